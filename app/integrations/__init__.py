"""Adapters to outside services: each a Protocol with a local and a cloud implementation.

Nothing here imports a domain module; callers pass in what an adapter needs.
"""

"""Dashboards for the people running the service: daily rollups of learning and sign-ups."""

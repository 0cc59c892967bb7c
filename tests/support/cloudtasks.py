"""A local gRPC server speaking the Cloud Tasks CreateTask method, keeping each request,
so the real async client can be tested at its wire boundary without a network."""

from __future__ import annotations

import grpc
from google.cloud import tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import (
    CloudTasksGrpcAsyncIOTransport,
)

from tests.support.net import free_port


class CloudTasksCapture:
    def __init__(self) -> None:
        self.requests: list[tasks_v2.CreateTaskRequest] = []
        self.port = free_port()
        self.server = grpc.aio.server()

        async def create_task(
            request: tasks_v2.CreateTaskRequest, context: grpc.aio.ServicerContext
        ) -> tasks_v2.Task:
            if any(r.task.name == request.task.name for r in self.requests):
                await context.abort(grpc.StatusCode.ALREADY_EXISTS, "task exists")
            self.requests.append(request)
            return request.task

        handler = grpc.method_handlers_generic_handler(
            "google.cloud.tasks.v2.CloudTasks",
            {
                "CreateTask": grpc.unary_unary_rpc_method_handler(
                    create_task,
                    request_deserializer=tasks_v2.CreateTaskRequest.deserialize,
                    response_serializer=tasks_v2.Task.serialize,
                )
            },
        )
        self.server.add_generic_rpc_handlers((handler,))
        self.server.add_insecure_port(f"127.0.0.1:{self.port}")

    async def start(self) -> None:
        await self.server.start()

    async def stop(self) -> None:
        await self.server.stop(grace=None)

    def client(self) -> tasks_v2.CloudTasksAsyncClient:
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{self.port}")
        return tasks_v2.CloudTasksAsyncClient(
            transport=CloudTasksGrpcAsyncIOTransport(channel=channel)
        )

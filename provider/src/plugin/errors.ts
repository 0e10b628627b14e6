/**
 * Errors as the plugin hands them to the engine: a message (never a stack trace or a secret), and for
 * a create that made the attachment but failed after, the attachment itself, so the engine records
 * it in the state instead of losing it (pulumirpc.ErrorResourceInitFailed).
 */
import * as grpc from "@grpc/grpc-js";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ErrorResourceInitFailed } from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { errorMessage } from "../errors";

/** A gRPC error with the message of `err`. */
export function grpcError(err: unknown): grpc.ServiceError {
  const message = errorMessage(err);
  return Object.assign(new Error(message), {
    code: grpc.status.UNKNOWN,
    details: message,
    metadata: new grpc.Metadata(),
  });
}

/** The error of a create that made attachment `id` (its outputs `properties`) but did not finish. */
export function initFailedError(message: string, id: string, properties: Struct, reasons: string[]): grpc.ServiceError {
  const detail = new ErrorResourceInitFailed();
  detail.setId(id);
  detail.setProperties(properties);
  detail.setReasonsList(reasons);
  const any = new Any();
  any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
  const status = new Status();
  status.setCode(grpc.status.UNKNOWN);
  status.setMessage(message);
  status.addDetails(any);
  const metadata = new grpc.Metadata();
  // gRPC's rich error details: the Go engine reads them from this header.
  metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  return Object.assign(new Error(message), { code: grpc.status.UNKNOWN, details: message, metadata });
}

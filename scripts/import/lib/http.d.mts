// Types of http.mjs for the TypeScript tests (test/import/http.test.ts).
import type { Digests } from "./parse.mjs";
export class RateLimiter {
  constructor(perSecond: number);
  take(): Promise<void>;
}
export class HttpError extends Error {
  status: number;
  constructor(message: string, status: number);
}
export interface RequestOptions {
  attempts?: number;
  limiter?: RateLimiter;
  timeoutMs?: number;
}
export function request(url: string, init?: RequestInit | (() => RequestInit | Promise<RequestInit>), options?: RequestOptions): Promise<Response>;
export function requestOk(url: string, init?: RequestInit | (() => RequestInit | Promise<RequestInit>), options?: RequestOptions): Promise<Response>;
export function getJson(url: string, headers?: Record<string, string>, options?: RequestOptions): Promise<unknown>;
export function pool<T>(items: Iterable<T> | AsyncIterable<T>, concurrency: number, worker: (item: T) => Promise<unknown>): Promise<void>;
export function hashingTap(stream: ReadableStream<Uint8Array>, declared?: Digests): { stream: ReadableStream<Uint8Array>; result: { digests: Required<Digests> | null; size: number } };
export function readVerified(stream: ReadableStream<Uint8Array>, declared?: Digests): Promise<{ bytes: Uint8Array; digests: Required<Digests> }>;

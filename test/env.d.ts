declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    BLOBS: R2Bucket;
    PUBLISH_COORDINATOR: DurableObjectNamespace<import("../src/core/publish/coordinator").PublishCoordinator>;
    ADMIN_TOKEN: string;
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
  }
}

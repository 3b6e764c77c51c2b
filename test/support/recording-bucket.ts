// A test double around the real R2 binding: it passes every call through and records the keys written.

/** An R2 binding that records every key the code under test writes, so a test can check nothing was kept. */
export function recordingBucket(bucket: R2Bucket): { bucket: R2Bucket; keys: string[] } {
  const keys: string[] = [];
  const proxy = new Proxy(bucket, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      if (prop === "put" || prop === "createMultipartUpload") {
        return (key: string, ...rest: unknown[]) => {
          keys.push(key);
          return value.call(target, key, ...rest);
        };
      }
      return value.bind(target);
    },
  });
  return { bucket: proxy, keys };
}

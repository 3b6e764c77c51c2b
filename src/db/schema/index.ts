export * from "./accounts";
export * from "./tokens";
export * from "./packages";
export * from "./blobs";
export * from "./throttle";
export * from "./settings";
export * from "./ci";
export * from "./storage";

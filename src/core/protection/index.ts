// Protected packages: the rules (pure), their storage, and the check the publish coordinator runs on every write.
export * from "./rules";
export * from "./store";
export { checkProtection, checkPublisherLimits } from "./enforce";

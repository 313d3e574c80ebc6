import { stopPipeline } from "./fixtures";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** The shared DynamoDB Local and function process end with the run. */
export const mochaHooks = {
  async afterAll() {
    await stopPipeline();
  },
};

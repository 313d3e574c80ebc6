import "../../cli/quietSdk";
import { stopPipeline } from "./fixtures";

/** The shared DynamoDB Local and function process end with the run. */
export const mochaHooks = {
  async afterAll() {
    await stopPipeline();
  },
};

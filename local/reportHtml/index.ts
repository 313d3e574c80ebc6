export { reportHtml } from "./reportHtml";

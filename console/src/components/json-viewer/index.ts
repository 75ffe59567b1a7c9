export { JsonViewer } from "./json-viewer";

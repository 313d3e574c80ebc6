/** Text as XML element content or attribute value (the stand-ins answer in AWS's query-protocol XML). */
export const xmlText = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

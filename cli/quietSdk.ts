// Imported first by the command-line entry points: the AWS SDK prints a Node 20 support notice
// at load time, which says nothing about this tool's local runs. A user's own setting wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// node list-and-call.mjs <mcp url> <api key> <tool> <arguments as JSON>
// Connects as an agent does (initialize handshake), lists the tools and calls one; prints both as one JSON line.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, key, tool, args] = process.argv.slice(2);
const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { "X-Api-Key": key } } });
const client = new Client({ name: "vaasweb-e2e", version: "1.0.0" });
await client.connect(transport);
const { tools } = await client.listTools();
const result = await client.callTool({ name: tool, arguments: JSON.parse(args) });
console.log(JSON.stringify({ protocol: transport.protocolVersion ?? null, session: transport.sessionId ?? null, tools, result }));
await client.close();

#!/usr/bin/env node
// Drive fupan-mcp with the official TypeScript SDK clients; print one JSON line per client variant.
//
//   node ts_client.mjs stdio /path/to/fupan-mcp [args...]
//   node ts_client.mjs http  http://127.0.0.1:8000/mcp
//
// Variants (tests/test_interop.py asserts on each):
//   sdk-v1       @modelcontextprotocol/sdk 1.x, what most shipped clients embed: the initialize handshake,
//                it always offers 2025-11-25
//   v2-2025-06-18  @modelcontextprotocol/client 2.x offering an older handshake revision
//   v2-legacy    @modelcontextprotocol/client 2.x, default negotiation: initialize at 2025-11-25
//   v2-modern    @modelcontextprotocol/client 2.x pinned to 2026-07-28: server/discover, no handshake
// Set FUPAN_INTEROP_VARIANTS=sdk-v1,v2-modern to run a subset.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as StdioV1 } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport as HttpV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from "@modelcontextprotocol/client";
import { StdioClientTransport as StdioV2 } from "@modelcontextprotocol/client/stdio";

const [transportKind, target, ...targetArgs] = process.argv.slice(2);
if (!["stdio", "http"].includes(transportKind) || !target) {
  console.error("usage: ts_client.mjs stdio COMMAND [ARGS...] | http URL");
  process.exit(2);
}

const sample = JSON.parse(
  readFileSync(
    fileURLToPath(new URL("../../server/fupan_mcp/samples/erp_wms.json", import.meta.url)),
    "utf8",
  ),
);
const clientInfo = { name: "fupan-interop", version: "1.0.0" };

const VARIANTS = {
  "sdk-v1": { sdk: "v1", options: {} },
  "v2-2025-06-18": { sdk: "v2", options: { supportedProtocolVersions: ["2025-06-18"] } },
  "v2-legacy": { sdk: "v2", options: {} },
  "v2-modern": { sdk: "v2", options: { versionNegotiation: { mode: { pin: "2026-07-28" } } } },
};

function transportFor(sdk) {
  const bearer = process.env.FUPAN_INTEROP_BEARER;
  const requestInit = bearer ? { headers: { Authorization: `Bearer ${bearer}` } } : undefined;
  if (transportKind === "http") {
    const Http = sdk === "v1" ? HttpV1 : HttpV2;
    return new Http(new URL(target), { requestInit });
  }
  const Stdio = sdk === "v1" ? StdioV1 : StdioV2;
  return new Stdio({ command: target, args: targetArgs, stderr: "ignore" });
}

// The 1.x client does not expose the negotiated version; read it off the initialize result.
function tapped(transport, seen) {
  const wrapper = {
    start: () => transport.start(),
    send: (message, options) => transport.send(message, options),
    close: () => transport.close(),
    get sessionId() {
      return transport.sessionId;
    },
    setProtocolVersion: (version) => transport.setProtocolVersion?.(version),
  };
  transport.onmessage = (message, extra) => {
    if (message?.result?.protocolVersion) seen.protocolVersion = message.result.protocolVersion;
    wrapper.onmessage?.(message, extra);
  };
  transport.onclose = () => wrapper.onclose?.();
  transport.onerror = (error) => wrapper.onerror?.(error);
  return wrapper;
}

async function run(name, { sdk, options }) {
  const out = { variant: name, sdk, transport: transportKind };
  const seen = {};
  const client =
    sdk === "v1"
      ? new ClientV1(clientInfo, { capabilities: {}, ...options })
      : new ClientV2(clientInfo, { capabilities: {}, ...options });
  const transport = sdk === "v1" ? tapped(transportFor(sdk), seen) : transportFor(sdk);
  try {
    await client.connect(transport);
    out.protocolVersion =
      sdk === "v1" ? seen.protocolVersion : client.getNegotiatedProtocolVersion();
    out.server = client.getServerVersion();

    const { tools } = await client.listTools();
    out.tools = tools.map((tool) => tool.name);
    const attainment = tools.find((tool) => tool.name === "compute_attainment");
    out.attainmentHasOutputSchema = Boolean(attainment?.outputSchema);
    out.attainmentReadOnly = attainment?.annotations?.readOnlyHint ?? null;

    const { prompts } = await client.listPrompts();
    out.prompts = prompts.map((prompt) => prompt.name);
    const review = prompts.find((prompt) => prompt.name === "project_review");
    out.promptArguments = (review?.arguments ?? []).map((arg) => arg.name);

    const prompt = await client.getPrompt({
      name: "project_review",
      arguments: { project_info: "ERP+WMS rollout", language: "en" },
    });
    const first = prompt.messages[0]?.content;
    out.promptText = first?.type === "text" ? first.text.slice(0, 4000) : null;

    const completion = await client.complete({
      ref: { type: "ref/prompt", name: "project_review" },
      argument: { name: "language", value: "e" },
    });
    out.completion = completion.completion.values;

    // The 1.x and 2.x clients validate structuredContent against the published outputSchema (AJV).
    const result = await client.callTool({
      name: "compute_attainment",
      arguments: { metrics: sample.metrics, language: "en" },
    });
    out.attainment = {
      isError: Boolean(result.isError),
      structured: result.structuredContent ?? null,
      text: (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("\n"),
    };

    const bad = await client.callTool({ name: "compute_attainment", arguments: { metrics: "nope" } });
    out.badInput = {
      isError: Boolean(bad.isError),
      text: (bad.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("\n"),
    };
  } catch (error) {
    out.error = String(error?.stack ?? error);
  } finally {
    await client.close().catch(() => {});
  }
  return out;
}

const wanted = (process.env.FUPAN_INTEROP_VARIANTS ?? Object.keys(VARIANTS).join(","))
  .split(",")
  .filter(Boolean);
let failed = false;
for (const name of wanted) {
  if (!VARIANTS[name]) {
    console.error(`unknown variant ${name}`);
    process.exit(2);
  }
  const out = await run(name, VARIANTS[name]);
  failed ||= Boolean(out.error);
  process.stdout.write(JSON.stringify(out) + "\n");
}
process.exit(failed ? 1 : 0);

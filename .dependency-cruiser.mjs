/**
 * The layering of docs/ARCHITECTURE.md, enforced: `npm run check:deps` (part of `npm test`) fails
 * on any import that runs back up a layer, and on any cycle.
 *
 * Layers, from the bottom:
 *   foundation  reconciler/{model,ports,errors,account-state,format,printable,order-status}.ts, reconciler/plan-format/
 *               the shared types, contracts and value formatting; imports nothing else of ours
 *   engine      load/, refresh, plan, drift, apply, prices, import, planfile
 *               the work; reaches the outside only through the ports of the foundation
 *   render      reconciler/render/: reads plans and drift reports, computes nothing of the engine
 *   edge        reconciler/cli.ts (the bin), reconciler/exrec.ts (the CLI as a function),
 *               reconciler/commands/: wires everything, may import anything
 *   provider    provider/: implements the ports; knows the foundation only. The Terraform
 *               provider is an edge of its own, like the CLI: it may wire and drive the engine
 */

const FOUNDATION =
  "^reconciler/(model|ports|errors|account-state|format|printable|order-status)\\.ts$|^reconciler/plan-format/";
const EDGE = "^reconciler/(cli\\.ts|exrec\\.ts|commands/)";
const RENDER = "^reconciler/render/";
/** The bin and the commands: they wire the real process, its files and the network into a run. */
const EDGE_OWNING_THE_PROCESS = "^reconciler/(cli\\.ts$|commands/)";
/** Scripts run by the build, never by exrec: they write generated code. */
const BUILD_SCRIPTS = "^reconciler/load/(generate-validator|generate-plan-validator|generated-file)\\.ts$";
/** Node's modules that reach files, processes, the network or the terminal. */
const OUTSIDE_WORLD =
  "^(node:)?(fs|fs/promises|child_process|cluster|dgram|dns|http|http2|https|net|os|readline|tls|tty|worker_threads)$";

export default {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "A cycle makes two modules one: split what both need into a module below them.",
      from: {},
      to: { circular: true },
    },
    {
      name: "foundation-imports-only-foundation",
      severity: "error",
      comment:
        "The shared types, contracts and value formatting are the bottom layer: they may not import the engine, render, the edge or a provider.",
      from: { path: FOUNDATION },
      to: { path: "^(reconciler|provider)/", pathNot: FOUNDATION },
    },
    {
      name: "engine-not-up-to-render-or-edge",
      severity: "error",
      comment: "The engine knows nothing of how its results are shown or how it is invoked.",
      from: { path: "^reconciler/", pathNot: `${EDGE}|${RENDER}|${FOUNDATION}` },
      to: { path: `${EDGE}|${RENDER}` },
    },
    {
      name: "engine-not-to-provider",
      severity: "error",
      comment:
        "The engine reaches the outside only through the interfaces of reconciler/ports.ts; the edge hands it their implementations.",
      from: { path: "^reconciler/", pathNot: EDGE },
      to: { path: "^provider/" },
    },
    {
      name: "engine-reaches-outside-through-ports",
      severity: "error",
      comment:
        "The engine is a function of what the edge hands it: it reaches files, processes, the host and the network only through the ports of reconciler/ports.ts (files, secrets, sleep, the API, the backend), so that a test or a host program can run it on files, clocks and APIs of its own, and so that what it touches is listed in one place. Only the bin, the commands (which build a run's ports) and the build scripts own the process.",
      from: { path: "^reconciler/", pathNot: `${EDGE_OWNING_THE_PROCESS}|${BUILD_SCRIPTS}` },
      to: { path: OUTSIDE_WORLD, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "planner-and-drift-pure",
      severity: "error",
      comment:
        "plan and drift are pure: no files, processes or network, and none of the modules that do I/O.",
      from: { path: "^reconciler/(plan|drift)(\\.ts$|/)" },
      to: {
        path: `${OUTSIDE_WORLD}|^reconciler/(apply|refresh|load|planfile)`,
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "render-reads-only-results",
      severity: "error",
      comment:
        "Renderers read plans and drift reports (foundation, drift's report types); they never plan, refresh, apply or load.",
      from: { path: RENDER },
      to: {
        path: "^(reconciler|provider)/",
        pathNot: `${FOUNDATION}|${RENDER}|^reconciler/drift/types\\.ts$`,
      },
    },
    {
      name: "render-no-outside-world",
      severity: "error",
      comment: "Renderers return text; the edge writes it.",
      from: { path: RENDER },
      to: { path: OUTSIDE_WORLD },
    },
    {
      name: "providers-implement-the-foundation",
      severity: "error",
      comment:
        "A provider implements the ports: it may import the foundation, never the engine, render or the edge.",
      from: { path: "^provider/", pathNot: "^provider/terraform/" },
      to: { path: "^reconciler/", pathNot: FOUNDATION },
    },
    {
      name: "sandbox-independent-of-the-client",
      severity: "error",
      comment:
        "The sandbox is a second, independent implementation of OVHcloud's API: it shares no code with the client, so neither can hide the other's mistakes.",
      from: { path: "^provider/sandbox/" },
      to: { path: "^provider/ovh/" },
    },
    {
      name: "sandbox-independent-of-the-engine",
      severity: "error",
      comment:
        "The sandbox has its own reading of OVHcloud's models (provider/sandbox/models.ts): sharing the engine's types would make it agree with the client by construction.",
      from: { path: "^provider/sandbox/" },
      to: { path: "^reconciler/" },
    },
    {
      name: "client-independent-of-the-sandbox",
      severity: "error",
      comment: "The client is checked against OVHcloud's schema, never against the sandbox's code.",
      from: { path: "^provider/ovh/" },
      to: { path: "^provider/sandbox/" },
    },
    {
      name: "product-not-to-tests",
      severity: "error",
      comment: "Shipped code never imports test code.",
      from: { path: "^(reconciler|provider)/" },
      to: { path: "^test/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: {
      path: "^(dist|node_modules|provider/cdktf/gen|reconciler/load/gen|reconciler/plan-format/gen|reconciler/commands/gen)/",
    },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".json"],
    },
  },
};

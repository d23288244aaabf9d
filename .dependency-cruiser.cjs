/**
 * The layering Berth keeps (docs/architecture.md), checked by `npm run lint:layers` (part of `npm test`):
 * no import cycle, and imports point down only.
 */
module.exports = {
  forbidden: [
    { name: 'no-cycle', severity: 'error', comment: 'A cycle makes neither side the lower layer.', from: {}, to: { circular: true, dependencyTypesNot: ['type-only'] } },
    { name: 'no-cycle-of-types', severity: 'error', comment: 'Types too: a type cycle is a concept with no single home.', from: {}, to: { circular: true } },
    {
      name: 'shared-stands-alone',
      severity: 'error',
      comment: 'electron/shared is used by both sides and imports neither.',
      from: { path: '^electron/shared/' },
      to: { path: '^(electron/main|electron/preload|renderer)/' },
    },
    {
      name: 'shared-pure',
      severity: 'error',
      comment: 'electron/shared runs in the renderer too: no Node or Electron modules.',
      from: { path: '^electron/shared/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    { name: 'shared-no-electron', severity: 'error', from: { path: '^electron/shared/' }, to: { path: '^electron$|node_modules/electron/' } },
    {
      name: 'main-base-below',
      severity: 'error',
      comment: "electron/main's top modules (paths, settings, data-lock, stream-sink...) are the floor: they import no folder of main. core.ts, cli.ts and instance-lock.ts are the front doors' own.",
      from: { path: '^electron/main/[^/]+\\.ts$', pathNot: '^electron/main/(core|cli|instance-lock)(\\.test)?\\.ts$' },
      to: { path: '^electron/main/[^/]+/' },
    },
    { name: 'main-not-renderer', severity: 'error', from: { path: '^electron/main/' }, to: { path: '^renderer/' } },
    { name: 'renderer-not-main', severity: 'error', comment: 'The renderer reaches the main process only through the API.', from: { path: '^renderer/' }, to: { path: '^electron/main/' } },
    {
      name: 'services-not-api',
      severity: 'error',
      comment: 'Services and terminals are below the API that routes to them.',
      from: { path: '^electron/main/(services|terminal|engine|vm)/' },
      to: { path: '^electron/main/(api|server|shell)/' },
    },
    { name: 'vm-not-services', severity: 'error', comment: 'The VM is below the services that show it.', from: { path: '^electron/main/vm/' }, to: { path: '^electron/main/services/' } },
    {
      name: 'vm-backends-apart',
      severity: 'error',
      comment: 'A VM backend is a folder of its own (Lima: a package per driver): it imports no other backend.',
      from: { path: '^electron/main/vm/backends/([^/]+)/' },
      to: { path: '^electron/main/vm/backends/[^/]+/', pathNot: '^electron/main/vm/backends/$1/' },
    },
    {
      name: 'vm-backends-behind-factory',
      severity: 'error',
      comment: 'Only the factory (vm/backends/index.ts) picks a backend: the rest of main reaches them through it and the VmBackend interface.',
      from: { path: '^electron/main/', pathNot: '^electron/main/vm/backends/' },
      to: { path: '^electron/main/vm/backends/[^/]+/' },
    },
    { name: 'engine-below-services', severity: 'error', from: { path: '^electron/main/engine/' }, to: { path: '^electron/main/(services|terminal|vm)/' } },
    {
      name: 'components-presentational',
      severity: 'error',
      comment: 'renderer/components shows what it is given: no stores, no API.',
      from: { path: '^renderer/components/' },
      to: { path: '^renderer/(stores|api|features)/' },
    },
    {
      name: 'views-not-api-client',
      severity: 'error',
      comment: 'Views act through stores, never the API client: only stores (and main.tsx, which connects it) import it.',
      from: { path: '^renderer/', pathNot: '^renderer/(stores|api)/|^renderer/main\\.tsx$' },
      to: { path: '^renderer/api/' },
    },
    { name: 'stores-below-views', severity: 'error', from: { path: '^renderer/(stores|api)/' }, to: { path: '^renderer/features/' } },
    { name: 'api-client-below-stores', severity: 'error', from: { path: '^renderer/api/' }, to: { path: '^renderer/stores/' } },
    { name: 'lib-pure', severity: 'error', comment: 'renderer/lib is logic without state or IO.', from: { path: '^renderer/lib/' }, to: { path: '^renderer/(stores|api|features|components)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
  },
};

// node drive-session.mjs <out/main/index.js> <workspace.db>: a person's first session with the
// built Electron main on the stand-in: the workspace opens, the 3-layer template trains one epoch
// on the sample, the runs are listed, the run reopens; then the core service is killed mid-run,
// main offers a restart (answered "Restart"), the window stays and the killed run is listed as
// interrupted. Prints one JSON report.
import { APP_PAGE, call, launchMain, until } from './launch.mjs';
import { childProcesses } from './proc.mjs';

const [mainPath, db] = process.argv.slice(2);
const stub = await launchMain(mainPath, ['--db', db]);
const api = async (name, ...args) => {
  const answer = await call(stub, APP_PAGE, name, args);
  if ('error' in answer) throw new Error(`${name}: ${answer.error}`);
  return answer.result;
};
const trainingEvents = (runId, type) =>
  stub.sent.filter(([channel, m]) => channel === 'workbench:event:onTrainingEvent' && m.runId === runId && m.event.type === type).map(([, m]) => m.event);
const report = { main: { node: process.version, modules: Number(process.versions.modules) }, windows: stub.windows.length, exitCode: stub.exitCode, errors: stub.errors };

report.service = childProcesses(process.pid);
report.appInfo = await api('appInfo');
report.templates = (await api('listTemplates')).map((t) => t.id);
const graph = await api('getTemplate', 'simplenn-3layer');
const started = await api('startTraining', { graph, data: 'sample', settings: { epochs: 1, batchSize: 64, validationFraction: 0.1, statsEvery: 5 }, backend: 'auto', runName: 'first' });
await until(() => trainingEvents(started.runId, 'ended').length === 1, 'the first run to end', 150_000);
report.ended = trainingEvents(started.runId, 'ended')[0];
report.steps = trainingEvents(started.runId, 'step').length;
report.runs = (await api('listRuns')).map((r) => ({ id: r.id, name: r.name, status: r.status }));
const reopened = await api('getRun', started.runId);
report.reopened = { name: reopened.summary.name, status: reopened.summary.status, steps: reopened.steps.length, evaluations: reopened.evaluations.length, checkpoints: reopened.checkpointSteps.length, nodes: reopened.graph.nodes.length };

// A crash of the service mid-run.
const second = await api('startTraining', { graph, data: 'sample', settings: { epochs: 20, batchSize: 64, validationFraction: 0.1 }, backend: 'auto', runName: 'killed' });
await until(() => trainingEvents(second.runId, 'step').length >= 2, 'two steps of the second run', 60_000);
const [service] = report.service;
process.kill(service.pid, 'SIGKILL');
await until(() => stub.contents[0].reloads === 1, 'the page to reload after the restart', 60_000);
report.crash = {
  messageBoxes: stub.messageBoxes.map((b) => ({ message: b.message, buttons: b.buttons, detail: b.detail })),
  windows: stub.windows.length,
  exitCode: stub.exitCode,
  newService: childProcesses(process.pid),
  runs: (await api('listRuns')).map((r) => ({ name: r.name, status: r.status, resumable: r.resumable })),
};
console.log(JSON.stringify(report));
process.exit(0);

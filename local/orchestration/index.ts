export { instantAthena, LocalAthena, type QueryRows, type SqlRunner } from './athena.js';
export { arnIn, type TaskContext } from './context.js';
export { isTaskFailure, LocalRunError, NoLocalHandlerError, TaskFailure } from './errors.js';
export { GlueServiceError, LocalCrawlers, LocalGlueJobs, type CrawlerSpec, type GlueJob, type JobRun, type LastCrawl, type LocalGlueJobsOptions, type StartJobRunRequest } from './glue.js';
export { tasksOf, type StatePlace } from './graph.js';
export { LOCAL_INTEGRATIONS, localHandlers, type LocalServices, type TaskHandler } from './handlers.js';
export { retryDelayMs, type StateVisit } from './history.js';
export { runLocal, type LocalHandlers, type LocalMachineInput, type LocalRunResult, type RunLocalOptions } from './run.js';
export { CopiedObjects, FakeSageMaker, functionNameOf, NotificationLog, type LambdaFunction, type LocalSageMaker, type Notification, type SageMakerJobOutcome } from './services.js';

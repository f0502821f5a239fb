import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AslDefinition, StateJson, TaskStatement } from '../asl/index.js';
import { aslValidatorErrors } from '../asl/testing/asl-validator.js';
import { InvalidValueError } from '../errors.js';
import { ROOM_ID_EXPECTED } from '../ids.js';
import {
  CRAWLS,
  crawlStateNames,
  FAILURE_STATES,
  FORCE_FLAG_PATH,
  MAIN_STATES,
  PUBLISH_STATES,
  NEW_DATA_FLAG_PATH,
  pipelineDefinition,
  pipelineInput,
  ROOM_STATES,
  SKIPPABLE_STEPS,
  skipFlagPath,
  taskIntegrations,
  TRANSIENT_ERRORS,
  waitStates,
} from './index.js';
import { graphsOf, reachableFrom, TEST_OPTIONS, testResources } from './testing.js';

const fixture = (name: string) => JSON.parse(readFileSync(path.join(import.meta.dirname, 'testdata', name), 'utf8')) as AslDefinition;
const machines = () => pipelineDefinition(testResources(), TEST_OPTIONS);
const TRANSIENT = new Set<string>(Object.values(TRANSIENT_ERRORS).flat());
const ACCOUNT = 'arn:aws:%s:eu-west-1:123456789012';
const arn = (service: string, rest: string) => `${ACCOUNT.replace('%s', service)}:${rest}`;
const allow = (Action: string[], Resource: unknown[]): TaskStatement => ({ Effect: 'Allow', Action, Resource });

/** Every Task of a definition without a retrier of transient errors (backoff, cap, FULL jitter) or a TimeoutSeconds. */
function tasksWithoutRetryOrTimeout(definition: AslDefinition): string[] {
  return graphsOf(definition).flatMap(({ graph }) =>
    Object.entries(graph.States)
      .filter(([, s]) => s.Type === 'Task')
      .filter(([, s]) => {
        const retry = (s.Retry ?? []).find((r) => r.ErrorEquals.every((e) => TRANSIENT.has(e)) && r.JitterStrategy === 'FULL' && (r.BackoffRate ?? 0) > 1 && r.MaxDelaySeconds !== undefined);
        return retry === undefined || s.TimeoutSeconds === undefined;
      })
      .map(([name]) => name),
  );
}

/**
 * Every Task from which a failure does not reach the notification: a top-level Task needs a States.ALL catch from
 * which Notify failure is reachable; a Task in a branch a States.ALL catch within its branch or none, its enclosing
 * Parallel or Map then needing such a catch.
 */
function tasksNotReachingNotify(definition: AslDefinition): string[] {
  const top = definition;
  const catchAllTarget = (s: StateJson) => (s.Catch ?? []).find((c) => c.ErrorEquals.includes('States.ALL'))?.Next;
  const reachesNotify = (from: string | undefined) => from !== undefined && reachableFrom(top, from).has(FAILURE_STATES.notify);
  const bad: string[] = [];
  for (const [name, state] of Object.entries(top.States)) {
    if (state.Type === 'Task' && name !== FAILURE_STATES.notify && !reachesNotify(catchAllTarget(state))) bad.push(name);
    const nested = [...(state.Branches ?? []), ...(state.ItemProcessor === undefined ? [] : [state.ItemProcessor])];
    if (nested.length > 0) {
      const parentReaches = reachesNotify(catchAllTarget(state));
      for (const graph of nested) {
        for (const [inner, s] of Object.entries(graph.States)) if (s.Type === 'Task' && !parentReaches) bad.push(inner);
      }
    }
  }
  return bad;
}

describe('the pipeline definition', () => {
  it('GIVEN the test resources WHEN the main machine is rendered THEN it is the reviewed fixture, whole, and asl-validator accepts it', () => {
    const json = machines().main.toJson();
    expect(json).toStrictEqual(fixture('main.asl.json'));
    expect(aslValidatorErrors(json)).toStrictEqual([]);
  });

  it('GIVEN the test resources WHEN the room machine is rendered THEN it is the reviewed fixture, whole, and asl-validator accepts it', () => {
    const json = machines().room.toJson();
    expect(json).toStrictEqual(fixture('room.asl.json'));
    expect(aslValidatorErrors(json)).toStrictEqual([]);
  });

  it('GIVEN no endpoint yet WHEN the room machine is rendered THEN it goes from the model straight to scoring, and its role may not write the endpoint prefix', () => {
    const room = pipelineDefinition(testResources(false), TEST_OPTIONS).room;
    const json = room.toJson();
    expect(Object.keys(json.States)).toStrictEqual([ROOM_STATES.name, ROOM_STATES.train, ROOM_STATES.model, ROOM_STATES.score, ROOM_STATES.done]);
    expect(json.States[ROOM_STATES.model]!.Next).toBe(ROOM_STATES.score);
    expect(room.statements().flatMap((s) => s.Action)).not.toContain('s3:PutObject');
  });

  it('GIVEN rooms to train WHEN the main machine is rendered THEN prepare-rcf runs once before the Map and load-anomalies once after it, skipped with training or without rooms', () => {
    const json = machines().main.toJson();
    expect(json.States[MAIN_STATES.train]!.Default).toBe(MAIN_STATES.roomsGivenCheck);
    expect(json.States[MAIN_STATES.anyRooms]).toMatchObject({ Choices: [{ Next: MAIN_STATES.prepareRcf }], Default: MAIN_STATES.noRooms });
    expect(json.States[MAIN_STATES.prepareRcf]).toMatchObject({ Resource: 'arn:aws:states:::glue:startJobRun.sync', Parameters: { JobName: '${lake.jobNames.prepare-rcf}' }, Next: MAIN_STATES.rooms });
    expect(json.States[MAIN_STATES.rooms]!.Next).toBe(MAIN_STATES.loadAnomalies);
    expect(json.States[MAIN_STATES.loadAnomalies]).toMatchObject({ Parameters: { JobName: '${lake.jobNames.load-anomalies}' }, Next: MAIN_STATES.publishRecords });
    expect(json.States[MAIN_STATES.publishRecords]).toMatchObject({ Type: 'Map', ItemsPath: '$.trained', Next: MAIN_STATES.done });
    const withoutEndpoint = pipelineDefinition(testResources(false), TEST_OPTIONS).main.toJson();
    expect(withoutEndpoint.States[MAIN_STATES.loadAnomalies]!.Next).toBe(MAIN_STATES.done);
    expect(withoutEndpoint.States[MAIN_STATES.publishRecords]).toBeUndefined();
    expect(json.States[MAIN_STATES.train]!.Choices![0]!.Next).toBe(MAIN_STATES.trainSkipped);
  });

  it('GIVEN the multi-model endpoint WHEN the room machine is rendered THEN the room copies its model to a key of its own version, <room>/<model>.tar.gz, and never calls UpdateEndpoint (rooms run in parallel)', () => {
    const room = pipelineDefinition(testResources(true), TEST_OPTIONS).room;
    const json = room.toJson();
    expect(Object.keys(json.States)).toStrictEqual([ROOM_STATES.name, ROOM_STATES.train, ROOM_STATES.model, ROOM_STATES.publish, ROOM_STATES.score, ROOM_STATES.done]);
    expect(json.States[ROOM_STATES.publish]!.Parameters).toMatchObject({
      'Bucket.$': '$.config.bucket',
      'Key.$': "States.Format('rcf/endpoint/{}/{}.tar.gz', $.room, $.name)",
      'CopySource.$': "States.Format('{}/rcf/models/{}/output/model.tar.gz', $.config.bucket, $.name)",
    });
    const actions = room.statements().flatMap((s) => s.Action);
    expect(actions).not.toContain('sagemaker:UpdateEndpoint');
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject']));
  });

  it('GIVEN the room machine THEN training reads the room\'s training prefix as headerless CSV and the JSON Lines transform hands RCF {"features": [...]}, joining each answer to its input object', () => {
    const json = pipelineDefinition(testResources(false), TEST_OPTIONS).room.toJson();
    const train = json.States[ROOM_STATES.train]!.Parameters as { InputDataConfig: { ContentType: string; DataSource: { S3DataSource: Record<string, string> } }[] };
    expect(train.InputDataConfig[0]!.ContentType).toBe('text/csv;label_size=0');
    expect(train.InputDataConfig[0]!.DataSource.S3DataSource['S3Uri.$']).toBe("States.Format('s3://{}/rcf/training/room_id={}/', $.config.data, $.room)");
    const score = json.States[ROOM_STATES.score]!.Parameters as Record<string, Record<string, unknown>>;
    // RCF answers application/json, application/jsonlines or protobuf only: no text/csv Accept.
    expect(score.DataProcessing).toStrictEqual({ InputFilter: "$['features']", JoinSource: 'Input', OutputFilter: '$' });
    expect(score.TransformOutput).toMatchObject({ Accept: 'application/jsonlines', AssembleWith: 'Line' });
    expect(score.TransformInput).toMatchObject({ ContentType: 'application/jsonlines', SplitType: 'Line', DataSource: { S3DataSource: { 'S3Uri.$': "States.Format('s3://{}/rcf/transform/room_id={}/', $.config.data, $.room)" } } });
    expect(score.TransformOutput!['S3OutputPath.$']).toBe("States.Format('s3://{}/rcf/scores/room_id={}/model_id={}/', $.config.data, $.room, $.name)");
  });

  it('GIVEN the machines WHEN their statements are collected THEN they are exactly those of the integrations used, on the resources given', () => {
    const { main, room } = machines();
    const crawlers = ['raw', 'database', 'historical'].map((c) => arn('glue', `crawler/\${lake.crawlerNames.${c}}`));
    const room$ = '${orchestration.roomStateMachineName}';
    const rule = (name: string) => arn('events', `rule/${name}`);
    const syncRule = ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'];
    const workgroup = arn('athena', 'workgroup/${analytics.workgroupName}');
    const curated = '${lake.databaseNames.curated}';
    expect(main.statements()).toStrictEqual([
      allow(['sns:Publish'], ['${orchestration.failureTopicArn}']),
      allow(['kms:Decrypt', 'kms:GenerateDataKey'], ['${orchestration.kmsKeyArn}', '${lake.lakeKmsKeyArn}', '${analytics.analyticsKmsKeyArn}']),
      allow(['glue:StartCrawler'], crawlers),
      allow(['glue:GetCrawler'], crawlers),
      allow(['glue:BatchStopJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:StartJobRun'], ['curate', 'prepare-rcf', 'load-anomalies', 'import-db', 'import-historical'].map((j) => arn('glue', `job/\${lake.jobNames.${j}}`))),
      allow(['athena:GetQueryExecution', 'athena:StartQueryExecution', 'athena:StopQueryExecution'], [workgroup]),
      allow(['athena:GetDataCatalog'], [arn('athena', 'datacatalog/AwsDataCatalog')]),
      allow(['glue:GetDatabase', 'glue:GetPartitions', 'glue:GetTable'], [
        arn('glue', 'catalog'),
        arn('glue', `database/${curated}`),
        arn('glue', `table/${curated}/telemetry`),
        arn('glue', `table/${curated}/anomalies`),
      ]),
      allow(['s3:GetBucketLocation', 's3:ListBucket'], ['${lake.curatedBucketArn}', '${analytics.resultsBucketArn}']),
      allow(['s3:GetObject'], ['${lake.curatedBucketArn}/*', '${analytics.resultsBucketArn}/*']),
      allow(['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'], ['${analytics.resultsBucketArn}/*']),
      allow(['athena:GetQueryResults'], [workgroup]),
      allow(['kms:Decrypt'], ['${lake.lakeKmsKeyArn}', '${analytics.analyticsKmsKeyArn}']),
      allow(['states:StartExecution'], [arn('states', `stateMachine:${room$}`)]),
      allow(['states:DescribeExecution', 'states:StopExecution'], [arn('states', `execution:${room$}:*`)]),
      allow(syncRule, [rule('StepFunctionsGetEventsForStepFunctionsExecutionRule')]),
      allow(['s3:PutObject'], ['arn:aws:s3:::${analytics.modelsBucketName}/rcf/endpoint-records/*']),
      { ...allow(['kms:GenerateDataKey'], ['${analytics.analyticsKmsKeyArn}']), Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } } },
    ]);
    const sm = (kind: string) => arn('sagemaker', `${kind}/rcf-*`);
    expect(room.statements()).toStrictEqual([
      allow(['sagemaker:AddTags', 'sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:ListTags', 'sagemaker:StopTrainingJob'], [sm('training-job')]),
      { ...allow(['iam:PassRole'], ['${analytics.sagemakerRoleArn}']), Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } },
      allow(syncRule, [rule('StepFunctionsGetEventsForSageMakerTrainingJobsRule'), rule('StepFunctionsGetEventsForSageMakerTransformJobsRule')]),
      allow(['sagemaker:AddTags', 'sagemaker:CreateModel', 'sagemaker:ListTags'], [sm('model')]),
      allow(['s3:GetObject'], ['arn:aws:s3:::${analytics.modelsBucketName}/rcf/models/*']),
      allow(['s3:PutObject'], ['arn:aws:s3:::${analytics.modelsBucketName}/rcf/endpoint/*']),
      {
        ...allow(['kms:Decrypt', 'kms:GenerateDataKey'], ['${analytics.analyticsKmsKeyArn}']),
        Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
      },
      allow(['sagemaker:AddTags', 'sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:ListTags', 'sagemaker:StopTransformJob'], [sm('transform-job')]),
    ]);
  });

  it('GIVEN the machines WHEN their Tasks are listed THEN each integration kind is the one of its state, for a local engine to map', () => {
    const { main, room } = machines();
    expect(taskIntegrations(main)).toStrictEqual({
      [FAILURE_STATES.notify]: 'sns:publish',
      [crawlStateNames(CRAWLS.raw).start]: 'aws-sdk:glue:startCrawler',
      [crawlStateNames(CRAWLS.raw).get]: 'aws-sdk:glue:getCrawler',
      [MAIN_STATES.curate]: 'glue:startJobRun.sync',
      [crawlStateNames(CRAWLS.database).start]: 'aws-sdk:glue:startCrawler',
      [crawlStateNames(CRAWLS.database).get]: 'aws-sdk:glue:getCrawler',
      'Import db': 'glue:startJobRun.sync',
      [crawlStateNames(CRAWLS.historical).start]: 'aws-sdk:glue:startCrawler',
      [crawlStateNames(CRAWLS.historical).get]: 'aws-sdk:glue:getCrawler',
      'Import historical': 'glue:startJobRun.sync',
      [MAIN_STATES.listRooms]: 'athena:startQueryExecution.sync',
      [MAIN_STATES.readRooms]: 'athena:getQueryResults',
      [MAIN_STATES.prepareRcf]: 'glue:startJobRun.sync',
      [MAIN_STATES.trainRoom]: 'states:startExecution.sync:2',
      [MAIN_STATES.loadAnomalies]: 'glue:startJobRun.sync',
      [PUBLISH_STATES.query]: 'athena:startQueryExecution.sync',
      [PUBLISH_STATES.read]: 'athena:getQueryResults',
      [PUBLISH_STATES.write]: 'aws-sdk:s3:putObject',
    });
    expect(taskIntegrations(room)).toStrictEqual({
      [ROOM_STATES.train]: 'sagemaker:createTrainingJob.sync',
      [ROOM_STATES.model]: 'sagemaker:createModel',
      [ROOM_STATES.publish]: 'aws-sdk:s3:copyObject',
      [ROOM_STATES.score]: 'sagemaker:createTransformJob.sync',
    });
    expect(waitStates(main)).toStrictEqual({ 'Raw crawl: wait': 30, 'Database crawl: wait': 30, 'Historical crawl: wait': 30 });
  });

  it('GIVEN the main machine WHEN its crawls are listed THEN every crawler is crawled by the one fragment, each under its own prefix, and a curated crawler adds a fourth', () => {
    const crawls = (definition: AslDefinition) =>
      graphsOf(definition).flatMap(({ graph }) =>
        Object.entries(graph.States)
          .filter(([, s]) => s.Resource === 'arn:aws:states:::aws-sdk:glue:startCrawler')
          .map(([name, s]) => {
            const prefix = name.slice(0, -': start'.length);
            expect(Object.keys(graph.States)).toEqual(expect.arrayContaining(Object.values(crawlStateNames(prefix))));
            return [prefix, s.Parameters?.Name];
          }),
      );
    expect(crawls(machines().main.toJson())).toStrictEqual([
      [CRAWLS.raw, '${lake.crawlerNames.raw}'],
      [CRAWLS.database, '${lake.crawlerNames.database}'],
      [CRAWLS.historical, '${lake.crawlerNames.historical}'],
    ]);
    const resources = testResources();
    const withCurated = pipelineDefinition({ ...resources, crawlers: { ...resources.crawlers, curated: { name: 'curated', arn: arn('glue', 'crawler/curated') } } }, TEST_OPTIONS).main.toJson();
    expect(crawls(withCurated).map(([p]) => p)).toStrictEqual([CRAWLS.raw, CRAWLS.curated, CRAWLS.database, CRAWLS.historical]);
    expect(withCurated.States[MAIN_STATES.curate]!.Next).toBe(crawlStateNames(CRAWLS.curated).start);
    expect(withCurated.States[crawlStateNames(CRAWLS.curated).done]!.Next).toBe(MAIN_STATES.train);
  });

  it('GIVEN the main machine WHEN its flags are read THEN every skippable step has its flag, read only after IsPresent, and each flag is used by a Choice', () => {
    const json = machines().main.toJson();
    const skipChoice = json.States[MAIN_STATES.skipGiven]!;
    expect(skipChoice.Choices!.map((c) => c.Next)).toStrictEqual([MAIN_STATES.skipAsText]);
    expect(skipChoice.Default).toBe(MAIN_STATES.noSkip);
    expect(json.States[MAIN_STATES.skipIsArray]!.Choices!.map((c) => c.Next)).toStrictEqual([MAIN_STATES.checkSkip]);
    expect(json.States[MAIN_STATES.skipIsArray]!.Default).toBe(MAIN_STATES.invalidSkip);
    expect(json.States[MAIN_STATES.checkSkip]!.Next).toBe(MAIN_STATES.readSkip);
    expect(reachableFrom(json, MAIN_STATES.invalidSkip).has(FAILURE_STATES.notify)).toBe(true);
    expect(reachableFrom(json, MAIN_STATES.invalidSkipStep).has(FAILURE_STATES.notify)).toBe(true);
    const names = JSON.stringify(json.States[MAIN_STATES.checkSkip]!.ItemProcessor);
    for (const step of SKIPPABLE_STEPS) expect(names).toContain(`"StringEquals":"${step}"`);
    const text = JSON.stringify(json);
    for (const step of SKIPPABLE_STEPS) {
      expect(text).toContain(`States.ArrayContains($.skip, '${step}')`);
      expect(text).toContain(`"Variable":"${skipFlagPath(step)}","BooleanEquals":true`);
    }
    for (const [check, flag, read, absent] of [
      [MAIN_STATES.forceGiven, 'force', MAIN_STATES.readForce, MAIN_STATES.noForce],
      [MAIN_STATES.newDataGiven, 'newData', MAIN_STATES.readNewData, MAIN_STATES.noNewDataFlag],
    ] as const) {
      expect(json.States[check]!.Choices!.map((c) => c.Next).slice(1)).toStrictEqual([read]);
      expect(json.States[check]!.Choices![1]).toMatchObject({ Variable: `$.${flag}`, IsPresent: true });
      expect(json.States[check]!.Default).toBe(absent);
    }
    expect(json.States[MAIN_STATES.noForce]!.Result).toStrictEqual({ value: false });
    expect(json.States[MAIN_STATES.noNewDataFlag]!.Result).toStrictEqual({ value: true });
    expect(json.States[MAIN_STATES.newData]!.Choices![1]).toMatchObject({
      Or: expect.arrayContaining([{ Variable: FORCE_FLAG_PATH, BooleanEquals: true }, { Variable: NEW_DATA_FLAG_PATH, BooleanEquals: true }]),
    });
  });

  it('GIVEN both machines WHEN every Task is checked THEN each retries its transient errors with backoff, a cap and FULL jitter, and has a TimeoutSeconds; so do the machines', () => {
    const { main, room } = machines();
    expect(tasksWithoutRetryOrTimeout(main.toJson())).toStrictEqual([]);
    expect(tasksWithoutRetryOrTimeout(room.toJson())).toStrictEqual([]);
    expect(main.toJson().TimeoutSeconds).toBeGreaterThan(0);
    expect(room.toJson().TimeoutSeconds).toBeGreaterThan(0);
  });

  it('GIVEN a Task without its retrier or its timeout WHEN checked THEN the check names it (the check can fail)', () => {
    const json = structuredClone(machines().main.toJson()) as unknown as { States: Record<string, Record<string, unknown>> };
    delete json.States[MAIN_STATES.curate]!.Retry;
    delete json.States[crawlStateNames(CRAWLS.raw).get]!.TimeoutSeconds;
    expect(tasksWithoutRetryOrTimeout(json as unknown as AslDefinition)).toStrictEqual([crawlStateNames(CRAWLS.raw).get, MAIN_STATES.curate]);
  });

  it('GIVEN the main machine WHEN each Task fails THEN the failure reaches the notification, directly or through its branch and the Parallel or Map', () => {
    expect(tasksNotReachingNotify(machines().main.toJson())).toStrictEqual([]);
  });

  it('GIVEN a Task whose catch-all is gone, or a Map without one WHEN checked THEN the check names the Tasks cut off (the check can fail)', () => {
    const json = structuredClone(machines().main.toJson()) as unknown as { States: Record<string, Record<string, unknown>> };
    delete json.States[MAIN_STATES.curate]!.Catch;
    delete json.States[MAIN_STATES.rooms]!.Catch;
    expect(tasksNotReachingNotify(json as unknown as AslDefinition)).toStrictEqual([MAIN_STATES.curate, MAIN_STATES.trainRoom]);
  });

  it('GIVEN the import branches WHEN a Task in one fails THEN its catch stays in the branch and ends it as a failure record, not a Fail', () => {
    const branches = machines().main.toJson().States[MAIN_STATES.imports]!.Branches!;
    for (const branch of branches) {
      const ends = Object.entries(branch.States).filter(([, s]) => s.End === true).map(([n]) => n);
      expect(ends).toHaveLength(3);
      expect(Object.values(branch.States).some((s) => s.Type === 'Fail')).toBe(false);
    }
  });
});

describe('pipelineInput: the execution input checked where it is built, as the machine checks it', () => {
  it.each([
    [{}],
    [{ skip: [] }],
    [{ skip: ['train'], force: true, newData: false, rooms: ['r1'], trigger: 'schedule' }],
    [{ skip: [...SKIPPABLE_STEPS] }],
  ])('GIVEN the valid input %j WHEN checked THEN it is returned unchanged', (input) => {
    expect(pipelineInput(input)).toStrictEqual(input);
  });

  it.each([
    [{ skip: 'curate' }, 'skip', 'curate', 'an array of step names (import-db, import-historical, curate, train)'],
    [{ skip: { curate: true } }, 'skip', { curate: true }, 'an array of step names (import-db, import-historical, curate, train)'],
    [{ skip: ['curate', 'trian'] }, 'skip[1]', 'trian', 'a step that can be skipped (import-db, import-historical, curate, train)'],
    [{ skip: [3] }, 'skip[0]', 3, 'a step that can be skipped (import-db, import-historical, curate, train)'],
    [{ force: 'yes' }, 'force', 'yes', 'true or false'],
    [{ newData: 1 }, 'newData', 1, 'true or false'],
    [{ rooms: 'r1' }, 'rooms', 'r1', `an array of room ids (${ROOM_ID_EXPECTED})`],
    [{ rooms: ['r1', '../x'] }, 'rooms[1]', '../x', ROOM_ID_EXPECTED],
    [{ rooms: ['a/b'] }, 'rooms[0]', 'a/b', ROOM_ID_EXPECTED],
    [{ rooms: [7] }, 'rooms[0]', 7, ROOM_ID_EXPECTED],
    [{ skp: ['train'] }, 'skp', ['train'], 'one of skip, force, newData, rooms, trigger, table, archive, rawPrefix, entries'],
  ])('GIVEN %j WHEN checked THEN InvalidValueError names %s, the value and what was expected', (input, key, value, expected) => {
    const error = (() => {
      try {
        pipelineInput(input);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidValueError);
    expect(error).toMatchObject({ key, value, expected, subject: 'pipeline input' });
  });

  it('GIVEN an input that is not an object WHEN checked THEN InvalidValueError names the input', () => {
    expect(() => pipelineInput(['curate'])).toThrow(new InvalidValueError('input', ['curate'], 'a JSON object', 'pipeline input'));
  });
});

// The one registration layer used in both places: in Azure `registerWithAzure` hands the functions
// to @azure/functions' `app`, locally services/local/host.ts serves the very same list.
import functionsLibrary, {
  type HttpHandler,
  type HttpMethod,
  type InvocationContext,
  type ServiceBusQueueHandler,
} from "@azure/functions";

export interface HttpFunction {
  name: string;
  methods: HttpMethod[];
  /** Route below the host's `api` prefix, in Functions template syntax, e.g. `v1/documents/{id}`. */
  route: string;
  handler: HttpHandler;
}

export interface ServiceBusQueueFunction {
  name: string;
  /** Queue name or a `%SETTING%` binding expression, resolved from app settings like the host does. */
  queueName: string;
  /** App-setting prefix of the connection (`SERVICEBUS` → SERVICEBUS or SERVICEBUS__fullyQualifiedNamespace). */
  connection: string;
  handler: ServiceBusQueueHandler;
}

export interface TimerFunction {
  name: string;
  /** Runs every this many seconds: a divisor of 60, or a whole number of minutes dividing 60. */
  everySeconds: number;
  handler: (context: InvocationContext) => Promise<void>;
}

export interface FunctionSet {
  http: HttpFunction[];
  serviceBusQueues: ServiceBusQueueFunction[];
  timers?: TimerFunction[];
}

// The NCRONTAB schedule (six fields, seconds first) of a timer: "0 */5 * * * *" every five minutes.
export function timerSchedule(everySeconds: number): string {
  if (everySeconds < 60 && 60 % everySeconds === 0) return `*/${everySeconds} * * * * *`;
  const minutes = everySeconds / 60;
  if (Number.isInteger(minutes) && 60 % minutes === 0) return `0 */${minutes} * * * *`;
  throw new Error(`a timer can run every n seconds or minutes with n dividing 60, not every ${everySeconds} s`);
}

/** The Functions host's default route prefix (host.json `extensions.http.routePrefix`). */
export const ROUTE_PREFIX = "api";

export function registerWithAzure(functions: FunctionSet): void {
  // Default import: the library is a CommonJS bundle whose named exports Node's ESM loader cannot see.
  const { app } = functionsLibrary;
  // Bodies arrive as streams: handlers check the token before reading one, and readBody stops at
  // its limit, instead of the host buffering up to 100 MB first (https://aka.ms/AzFuncNodeHttpStreams).
  app.setup({ enableHttpStream: true });
  for (const fn of functions.http) {
    // Authentication is the handlers' job (JWT); APIM in front adds its own validate-jwt.
    app.http(fn.name, { methods: fn.methods, route: fn.route, authLevel: "anonymous", handler: fn.handler });
  }
  for (const fn of functions.serviceBusQueues) {
    app.serviceBusQueue(fn.name, { queueName: fn.queueName, connection: fn.connection, handler: fn.handler });
  }
  for (const fn of functions.timers ?? []) {
    app.timer(fn.name, { schedule: timerSchedule(fn.everySeconds), handler: (_timer, context) => fn.handler(context) });
  }
}

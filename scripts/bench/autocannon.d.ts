// The part of autocannon's API the bench uses (the package ships no types).
declare module "autocannon" {
  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      /** Each request through these in turn; setupRequest may change it (e.g. its headers). */
      requests?: { setupRequest?: (request: { headers?: Record<string, string> }) => unknown }[];
    }
    interface Result {
      /** Seconds the run lasted. */
      duration: number;
      requests: { average: number; total: number };
      latency: { p50: number; p99: number; average: number };
      non2xx: number;
      errors: number;
    }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export default autocannon;
}

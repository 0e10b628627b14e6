/**
 * Version discovery from the Block Storage version document (`GET /` of the API root, which Cinder
 * answers with 300 Multiple Choices and one entry per major version).
 */
import type { AxiosInstance } from "axios";
import { z } from "zod";
import { connectionErrorCode } from "../http/connection";
import {
  CinderConnectionError,
  CinderFeatureUnavailableError,
  CinderResponseShapeError,
  errorFromAnswer,
} from "./errors";
import {
  ATTACHMENTS_API,
  type Microversion,
  compareMicroversions,
  formatMicroversion,
  microversion,
} from "./microversion";

/** Microversions a v3 endpoint accepts. */
export interface VolumeApiVersions {
  readonly min: Microversion;
  readonly max: Microversion;
}

function versionDocumentSchema() {
  return z.object({
    versions: z.array(
      z.object({
        id: z.string(),
        status: z.string().optional(),
        version: z.string().optional(),
        min_version: z.string().optional(),
      }),
    ),
  });
}

/** The API root of an endpoint: everything before its `/v3` segment. */
export function apiRootOf(endpoint: string): string {
  const index = endpoint.search(/\/v3(\/|$)/);
  return `${index >= 0 ? endpoint.slice(0, index) : endpoint.replace(/\/+$/, "")}/`;
}

/**
 * Reads the v3 entry of the endpoint's version document.
 * @throws CinderFeatureUnavailableError when v3 is missing or older than 3.27.
 */
export async function discoverVolumeApi(
  http: AxiosInstance,
  endpoint: string,
  headers: Record<string, string>,
): Promise<VolumeApiVersions> {
  const url = apiRootOf(endpoint);
  const response = await http.get<unknown>(url, { headers }).catch((err: unknown) => {
    throw new CinderConnectionError("GET", url, connectionErrorCode(err));
  });
  if (response.status !== 200 && response.status !== 300) {
    throw errorFromAnswer({
      method: "GET",
      path: url,
      expected: [200, 300],
      status: response.status,
      body: response.data,
    });
  }
  const parsed = versionDocumentSchema().safeParse(response.data);
  if (!parsed.success) {
    throw new CinderResponseShapeError("version discovery", [`GET ${url} did not return a version document`]);
  }
  const v3 = parsed.data.versions.find((v) => v.id.startsWith("v3"));
  const max = v3?.version ? microversion(v3.version) : undefined;
  if (!v3 || !max || compareMicroversions(max, ATTACHMENTS_API) < 0) {
    throw new CinderFeatureUnavailableError(
      "The attachments API (attach/detach V2)",
      formatMicroversion(ATTACHMENTS_API),
      max ? formatMicroversion(max) : "no v3 microversions",
    );
  }
  return { min: microversion(v3.min_version ?? "3.0"), max };
}

/** HTTP methods the OpenStack APIs here use. */
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

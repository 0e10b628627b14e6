/**
 * The main program of this repository's top-level Pulumi project: the iscsi-attach example
 * (examples/iscsi-attach), one volume attached over iSCSI with CHAP and completed. `npm run demo`
 * runs it against the local Cinder; see examples/iscsi-attach/README.md for its stack config.
 */
export * from "./examples/iscsi-attach";

/** connector.initiator takes the iSCSI names of RFC 3720 (iqn., eui.) and RFC 3980 (naa.), and no truncated one. */
import { checkInputs } from "../../provider/src/volumeAttachment/check";

const VOLUME = "11111111-2222-4333-8444-555555555555";
const initiatorFailures = (initiator: string) =>
  checkInputs({ volumeId: VOLUME, connector: { initiator } }).failures.filter(
    (f) => f.property === "connector.initiator",
  );

describe("connector.initiator", () => {
  test.each([
    "iqn.1993-08.org.debian:01:cad181614cec",
    "iqn.2010-10.org.openstack:volume-00000001",
    "iqn.1991-05.com.microsoft:host.example.com",
    "iqn.2001-04.com.example",
    "iqn.2001-04.com.example:storage.disk2.sys1.xyz",
    "eui.02004567A425678D",
    "naa.52004567BA64678D",
    "naa.62004567BA64678D0123456789ABCDEF",
  ])("accepts %s", (name) => {
    expect(initiatorFailures(name)).toEqual([]);
  });

  test.each([
    ["iqn.1993-08.org.debian:01:", /ends in ":".*truncated.*initiatorname\.iscsi/],
    ["iqn.1993-08.org.debian:", /ends in ":".*truncated/],
    ["iqn.1993-08.org.debian.", /ends in "\.".*truncated/],
    ["iqn.1993-08.org.debian:01:cad.", /ends in "\.".*truncated/],
  ])("refuses the truncated %s, saying so", (name, reason) => {
    const failures = initiatorFailures(name);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.reason).toMatch(reason);
  });

  test.each([
    "iqn.org.debian:01:x", // no date
    "iqn.1993-13.org.debian:01:x", // month 13
    "iqn.1993-08.-org.debian:01:x", // a label starting with "-"
    "iqn.1993-08..debian:01:x", // an empty label
    "iqn.1993-08.org.debian:01 x", // white space
    "eui.02004567A425678", // 15 hex digits
    "naa.52004567BA64678D01", // neither 16 nor 32
    "wwn.5001438012345678",
  ])("refuses %s as not an iSCSI name, showing what was given", (name) => {
    const failures = initiatorFailures(name);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.reason).toContain(JSON.stringify(name));
    expect(failures[0]?.reason).toMatch(/iqn\.YYYY-MM\.reversed\.domain.*eui\..*naa\./);
  });
});

"""Cinder volume driver for the local test stack (scripts/stack/).

Volumes are created without storage (Cinder's own FakeLoggingVolumeDriver),
but exports and connections go through the LVM driver's code paths against
Cinder's fake iSCSI target (target_helper = fake), so an attachment's
connection_info is the real iSCSI/CHAP data Cinder would hand to Nova:
driver_volume_type iscsi, auth_method CHAP, generated auth_username and
auth_password, target_iqn, target_portal (<target_ip_address>:3260),
target_lun, ...

The pool also reports multiattach = True, so a volume type with extra spec
multiattach="<is> True" schedules to it.

Load it with PYTHONPATH=<repo>/test/stack-fixtures and
volume_driver = fixture_iscsi_driver.FixtureISCSIDriver

FIXTURE_CONNECTION_DELAY (seconds, default 0) makes every initialize_connection
and terminate_connection take that long: the fault suite sets it on its own
cinder-volume so that a kill lands while the driver is at work.
"""

import os
import time

from cinder.tests import fake_driver
from cinder.volume.drivers import lvm

CONNECTION_DELAY = float(os.environ.get('FIXTURE_CONNECTION_DELAY') or 0)


def _driver_at_work():
    if CONNECTION_DELAY > 0:
        time.sleep(CONNECTION_DELAY)


class FixtureISCSIDriver(fake_driver.FakeLoggingVolumeDriver):
    """FakeLoggingVolumeDriver with the LVM driver's iSCSI export path."""

    VERSION = '1.0.0'

    # Export/connection handling of the real LVM driver; self.target_driver
    # is Cinder's FakeTarget (an ISCSITarget that touches no system).
    create_export = lvm.LVMVolumeDriver.create_export
    validate_connector = lvm.LVMVolumeDriver.validate_connector

    def initialize_connection(self, volume, connector):
        _driver_at_work()
        return lvm.LVMVolumeDriver.initialize_connection(
            self, volume, connector)

    def terminate_connection(self, volume, connector, **kwargs):
        _driver_at_work()
        return super(FixtureISCSIDriver, self).terminate_connection(
            volume, connector, **kwargs)

    def _update_volume_stats(self):
        super(FixtureISCSIDriver, self)._update_volume_stats()
        pools = self._stats.get('pools') or []
        if pools:
            pools[0]['multiattach'] = True
        self._stats['multiattach'] = True

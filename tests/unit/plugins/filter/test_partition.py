"""The partition filter: the run's partition from hostvars (the managing host's fact), a host's own override."""

from ansible_collections.spinnaker.aws.plugins.filter.partition import FilterModule


def test_a_host_without_spinnaker_partition_takes_the_managing_hosts():
    partition = FilterModule().filters()["partition"]
    groups = {"spinnaker_managing": ["managing"], "spinnaker_managed": ["develop", "china"]}
    hostvars = {"managing": {"spinnaker_partition": "aws-us-gov"}, "develop": {}, "china": {"spinnaker_partition": "aws-cn"}}
    assert partition(hostvars, groups, "develop") == "aws-us-gov"
    assert partition(hostvars, groups, "china") == "aws-cn"
    assert partition(hostvars, groups) == "aws-us-gov"
    assert partition({"managing": {}, "develop": {}, "china": {}}, groups, "develop") == "aws"

// One test at a time: the applier tests open hundreds of namespaces (two fds each), and
// libnftables aborts the whole process when its socket gets an fd of 1024 or more (select()).
[assembly: CollectionBehavior(DisableTestParallelization = true)]

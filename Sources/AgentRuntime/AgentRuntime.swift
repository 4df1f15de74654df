/// AgentRuntime: the agent's I/O: kernel audit netlink socket, log file and stdin sources,
/// spool and shipper. Links no HTTP server.
enum AgentRuntime {}

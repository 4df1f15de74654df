/// FleetSimulator: deterministic audit logs for a simulated fleet of hosts and roles,
/// with injected attacks and their ground truth. Pure generation; callers write the files.
enum FleetSimulator {}

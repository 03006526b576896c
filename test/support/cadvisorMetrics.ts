/**
 * Every metric name cAdvisor exports with its default flags on a Docker host (`--disable_metrics` defaulting to
 * advtcp, cpu_topology, cpuset, hugetlb, memory_numa, process, referenced_memory, resctrl, sched, tcp, udp), as
 * google/cadvisor's metrics/prometheus.go and metrics/prometheus_machine.go define them, whether or not a given
 * host has the data (pressure needs cgroup v2, io.cost an enabled controller, perf events a config, accelerators a
 * GPU). Written down from those sources for the compatibility test; docs/metrics.md says which ones dockwatch leaves out.
 */
export const CADVISOR_DEFAULT_METRICS: readonly string[] = [
  // always
  'cadvisor_version_info',
  'container_scrape_error',
  'container_last_seen',
  'container_health_state',
  'container_start_time_seconds',
  'container_spec_cpu_period',
  'container_spec_cpu_quota',
  'container_spec_cpu_shares',
  'container_spec_memory_limit_bytes',
  'container_spec_memory_reservation_limit_bytes',
  'container_spec_memory_swap_limit_bytes',
  // cpu (the cfs ones only for containers with a quota)
  'container_cpu_user_seconds_total',
  'container_cpu_system_seconds_total',
  'container_cpu_usage_seconds_total',
  'container_cpu_cfs_periods_total',
  'container_cpu_cfs_throttled_periods_total',
  'container_cpu_cfs_throttled_seconds_total',
  'container_cpu_cfs_burst_periods_total',
  'container_cpu_cfs_burst_seconds_total',
  // cpuLoad
  'container_cpu_load_average_10s',
  'container_cpu_load_d_average_10s',
  'container_tasks_state',
  // memory
  'container_memory_cache',
  'container_memory_rss',
  'container_memory_kernel_usage',
  'container_memory_mapped_file',
  'container_memory_swap',
  'container_memory_failcnt',
  'container_memory_usage_bytes',
  'container_memory_max_usage_bytes',
  'container_memory_working_set_bytes',
  'container_memory_total_active_file_bytes',
  'container_memory_total_inactive_file_bytes',
  'container_memory_failures_total',
  // disk
  'container_fs_inodes_free',
  'container_fs_inodes_total',
  'container_fs_limit_bytes',
  'container_fs_usage_bytes',
  // diskIO
  'container_fs_reads_bytes_total',
  'container_fs_reads_total',
  'container_fs_sector_reads_total',
  'container_fs_reads_merged_total',
  'container_fs_read_seconds_total',
  'container_fs_writes_bytes_total',
  'container_fs_writes_total',
  'container_fs_sector_writes_total',
  'container_fs_writes_merged_total',
  'container_fs_write_seconds_total',
  'container_fs_io_current',
  'container_fs_io_time_seconds_total',
  'container_fs_io_time_weighted_seconds_total',
  'container_fs_io_cost_usage_seconds_total',
  'container_fs_io_cost_wait_seconds_total',
  'container_fs_io_cost_indebt_seconds_total',
  'container_fs_io_cost_indelay_seconds_total',
  'container_blkio_device_usage_total',
  // network
  'container_network_receive_bytes_total',
  'container_network_receive_packets_total',
  'container_network_receive_packets_dropped_total',
  'container_network_receive_errors_total',
  'container_network_transmit_bytes_total',
  'container_network_transmit_packets_total',
  'container_network_transmit_packets_dropped_total',
  'container_network_transmit_errors_total',
  // oom_event
  'container_oom_events_total',
  // pressure
  'container_pressure_cpu_stalled_seconds_total',
  'container_pressure_cpu_waiting_seconds_total',
  'container_pressure_memory_stalled_seconds_total',
  'container_pressure_memory_waiting_seconds_total',
  'container_pressure_io_stalled_seconds_total',
  'container_pressure_io_waiting_seconds_total',
  // perf_event (with --perf_events_config)
  'container_perf_events_total',
  'container_perf_events_scaling_ratio',
  'container_perf_uncore_events_total',
  'container_perf_uncore_events_scaling_ratio',
  // accelerator
  'container_accelerator_duty_cycle',
  'container_accelerator_memory_total_bytes',
  'container_accelerator_memory_used_bytes',
  // machine
  'machine_scrape_error',
  'machine_cpu_cores',
  'machine_cpu_physical_cores',
  'machine_cpu_sockets',
  'machine_memory_bytes',
  'machine_swap_bytes',
  'machine_nvm_capacity',
  'machine_nvm_avg_power_budget_watts',
  'machine_dimm_count',
  'machine_dimm_capacity_bytes',
];

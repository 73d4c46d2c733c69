// Original file: proto/whmcsha/v1/agent.proto


/**
 * Stop replicating (a failover's detach step). disconnect_replicas also ends the binlog dump threads
 * serving this node's own replicas: a frozen or cut-off old active leaves one stuck writing to the
 * network, and when it comes back MariaDB's replacing of it stalls the new active for seconds.
 */
export interface StopReplica {
  'disconnectReplicas'?: (boolean);
}

/**
 * Stop replicating (a failover's detach step). disconnect_replicas also ends the binlog dump threads
 * serving this node's own replicas: a frozen or cut-off old active leaves one stuck writing to the
 * network, and when it comes back MariaDB's replacing of it stalls the new active for seconds.
 */
export interface StopReplica__Output {
  'disconnectReplicas': (boolean);
}

/** Coordination between gateway instances: cluster-wide events over Postgres LISTEN/NOTIFY. */
@NullMarked
package com.intellidial.gateway.cluster;

import org.jspecify.annotations.NullMarked;

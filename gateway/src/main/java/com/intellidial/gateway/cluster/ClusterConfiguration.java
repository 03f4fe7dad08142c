package com.intellidial.gateway.cluster;

import io.r2dbc.spi.ConnectionFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Cluster events over the gateway's PostgreSQL database. */
@Configuration(proxyBeanMethods = false)
class ClusterConfiguration {

    @Bean
    ClusterEvents clusterEvents(ConnectionFactory connectionFactory) {
        return new PostgresClusterEvents(connectionFactory);
    }
}

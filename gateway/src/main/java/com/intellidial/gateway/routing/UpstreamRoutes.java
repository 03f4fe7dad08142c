package com.intellidial.gateway.routing;

import java.util.List;

import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The proxied routes: {@code /vapi/**} to VAPI and {@code /twilio/**} to Twilio, each with its
 * own connect and response timeouts. The prefix is stripped; everything else (authentication,
 * isolation, credentials, metering) is done by global filters.
 */
@Configuration(proxyBeanMethods = false)
class UpstreamRoutes {

    @Bean
    Upstreams upstreams(UpstreamProperties properties) {
        return new Upstreams(List.of(new VapiUpstream(properties.vapi().baseUrl()),
                new TwilioUpstream(properties.twilio().baseUrl())));
    }

    @Bean
    RouteLocator upstreamRouteLocator(RouteLocatorBuilder builder, UpstreamProperties properties) {
        return builder.routes()
            .route(VapiUpstream.NAME, route -> route.path("/vapi/**")
                .filters(filters -> filters.stripPrefix(1))
                .metadata(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR, properties.vapi().connectTimeout().toMillis())
                .metadata(RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR, properties.vapi().responseTimeout().toMillis())
                .uri(properties.vapi().baseUrl()))
            .route(TwilioUpstream.NAME, route -> route.path("/twilio/**")
                .filters(filters -> filters.stripPrefix(1))
                .metadata(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR, properties.twilio().connectTimeout().toMillis())
                .metadata(RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR, properties.twilio().responseTimeout().toMillis())
                .uri(properties.twilio().baseUrl()))
            .build();
    }
}

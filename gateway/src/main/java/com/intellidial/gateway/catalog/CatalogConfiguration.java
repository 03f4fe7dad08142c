package com.intellidial.gateway.catalog;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The endpoint catalogs and the filter that matches every proxied request against them. */
@Configuration(proxyBeanMethods = false)
class CatalogConfiguration {

    @Bean
    EndpointCatalogs endpointCatalogs() {
        return new EndpointCatalogs(EndpointCatalog.loadAll());
    }

    @Bean
    CatalogMatchGlobalFilter catalogMatchGlobalFilter(EndpointCatalogs catalogs) {
        return new CatalogMatchGlobalFilter(catalogs);
    }
}

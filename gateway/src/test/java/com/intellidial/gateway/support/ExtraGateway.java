package com.intellidial.gateway.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;

import com.intellidial.gateway.GatewayApplication;

/**
 * Starts another gateway instance in this JVM, beside the test context's, on the same database and
 * simulator (for tests of what must hold across instances).
 */
public final class ExtraGateway {

    private ExtraGateway() {
    }

    /** Starts a gateway on a random port with the test defaults plus {@code overrides}; close it when done. */
    public static ConfigurableApplicationContext start(Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>(TestInfrastructure.gatewayDefaults());
        settings.put("server.port", "0");
        settings.putAll(overrides);
        List<String> args = new ArrayList<>();
        settings.forEach((name, value) -> args.add("--" + name + "=" + value));
        return new SpringApplicationBuilder(GatewayApplication.class).initializers(ExtraGateway::ownNettyResources)
            .run(args.toArray(String[]::new));
    }

    /** The base URL the instance listens on. */
    public static String baseUrl(ConfigurableApplicationContext gateway) {
        return "http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port");
    }

    /**
     * Gives a gateway its own Reactor Netty event loops and pool, as Spring's test contexts do:
     * with the global ones, closing it would shut down the loops the shared simulator and the other
     * test contexts of this JVM run on.
     */
    public static void ownNettyResources(ConfigurableApplicationContext context) {
        context.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof ReactorResourceFactory resources) {
                    resources.setUseGlobalResources(false);
                }
                return bean;
            }
        });
    }
}

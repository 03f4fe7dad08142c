package com.intellidial.gateway.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

/**
 * A full gateway on a random port against real PostgreSQL and the simulator. Every test class
 * with this annotation shares one application context; tests isolate themselves by creating their
 * own tenants through {@link TestTenants}. The test client waits up to 30 s for a response (not
 * the default 5 s): a loaded CI machine must not fail a test about content; tests about timing set
 * the gateway's own timeouts.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
@ContextConfiguration(initializers = TestInfrastructure.class)
@Import(TestTenants.class)
public @interface GatewayIntegrationTest {

}

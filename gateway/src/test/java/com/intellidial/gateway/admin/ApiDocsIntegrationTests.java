package com.intellidial.gateway.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document is served deliberately, at /admin/v1/openapi.json behind an admin token,
 * lists every admin route the application maps (and the usage API), and springdoc's default
 * locations serve nothing.
 */
@GatewayIntegrationTest
class ApiDocsIntegrationTests {

    @Autowired
    WebTestClient web;

    @Autowired
    ApplicationContext context;

    @Test
    void everyAdminRouteIsInTheOpenApiDocument() {
        AdminClient admin = new AdminClient(this.web);
        AdminClient.Reply document = admin.send(TestInfrastructure.ADMIN_TOKEN, HttpMethod.GET, "/admin/v1/openapi.json", null);
        assertThat(document.status()).as(document.body()).isEqualTo(200);
        JsonNode paths = document.json().get("paths");
        List<String> missing = new ArrayList<>();
        RequestMappingHandlerMapping mapping = this.context.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
        mapping.getHandlerMethods().forEach((info, handler) -> {
            if (handler.getBeanType().getPackageName().startsWith("org.springdoc")) {
                // The document's own routes (openapi.json, Swagger UI) are not part of the API.
                return;
            }
            info.getPatternsCondition().getPatterns().forEach(pattern -> {
                String path = pattern.getPatternString();
                if (path.startsWith("/admin/v1/") || path.startsWith("/v1/")) {
                    info.getMethodsCondition().getMethods().forEach(method -> {
                        if (!paths.has(path) || !paths.get(path).has(method.name().toLowerCase(Locale.ROOT))) {
                            missing.add(method + " " + path);
                        }
                    });
                }
            });
        });
        assertThat(missing).as("admin routes missing from the OpenAPI document").isEmpty();
        assertThat(paths.has("/admin/v1/onboardings")).isTrue();
        assertThat(document.body()).contains("application/problem+json").contains("appointment-reminder");
        assertThat(document.json().at("/components/securitySchemes/bearer/scheme").stringValue()).isEqualTo("bearer");
    }

    @Test
    void theDocumentNeedsAnAdminTokenAndTheDefaultLocationsAreGone() {
        AdminClient admin = new AdminClient(this.web);
        assertThat(admin.send(null, HttpMethod.GET, "/admin/v1/openapi.json", null).status()).isEqualTo(401);
        assertThat(admin.send(null, HttpMethod.GET, "/admin/v1/docs", null).status()).isEqualTo(401);
        for (String path : new String[] { "/v3/api-docs", "/v3/api-docs/swagger-config", "/v3/api-docs.yaml", "/%61dmin/v1/openapi.json",
                "/admin;x=1/v1/openapi.json" }) {
            AdminClient.Reply reply = admin.send(null, HttpMethod.GET, path, null);
            assertThat(reply.status()).as(path).isIn(401, 404);
            assertThat(reply.body()).as(path).doesNotContain("/admin/v1/tenants");
        }
    }
}

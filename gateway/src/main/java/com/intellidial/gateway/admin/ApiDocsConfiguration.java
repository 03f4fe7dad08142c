package com.intellidial.gateway.admin;

import java.util.Map;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document of the admin API and the tenant usage API ({@code /admin/v1/openapi.json}):
 * bearer authentication, the problem responses every route can give, and request examples for the
 * calls an operator starts with.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocsConfiguration {

    private static final String PROBLEM = "application/problem+json";

    @Bean
    OpenApiCustomizer gatewayApiDocs() {
        return openApi -> {
            openApi.info(new Info().title("Intellidial Gateway admin and usage API").version("v1").description(
                    "Admin routes (/admin/v1) need Authorization: Bearer igw_admin_<id>_<secret> (role viewer: reads only); "
                            + "the usage API (/v1/usage) takes a tenant's gateway key. Every error is RFC 9457 problem+json."));
            Components components = (openApi.getComponents() != null) ? openApi.getComponents() : new Components();
            components.addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer"));
            components.addSchemas("Problem", problemSchema());
            openApi.components(components);
            openApi.addSecurityItem(new SecurityRequirement().addList("bearer"));
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().forEach((path, item) -> item.readOperations().forEach(operation -> {
                boolean write = item.getGet() != operation;
                operation.getResponses().addApiResponse("400", problem("Bad input; the `field` member names the field"));
                operation.getResponses().addApiResponse("401", problem("No or an invalid admin token (tenant keys are refused)"));
                if (write) {
                    operation.getResponses().addApiResponse("403", problem("The token's role is viewer"));
                }
                operation.getResponses().addApiResponse("404", problem("No such tenant, key or resource"));
            }));
            example(openApi, "/admin/v1/onboardings", """
                    {"tenant": {"id": "initrode", "name": "Initrode"},
                     "vapiMode": "shared-org",
                     "telephony": {"mode": "vapi-number", "areaCode": "415"},
                     "assistant": {"template": "appointment-reminder", "overrides": {"name": "Front desk"}},
                     "webhookUrl": "https://initrode.example/hooks"}""");
            example(openApi, "/admin/v1/tenants", """
                    {"id": "initrode", "name": "Initrode", "vapiMode": "shared-org", "telephonyMode": "vapi-number",
                     "webhookUrl": "https://initrode.example/hooks", "budgets": {"callsPerDay": 500}}""");
            example(openApi, "/admin/v1/tenants/{tenantId}/keys", "{\"label\": \"production\", \"expiresAt\": \"2027-12-31T00:00:00Z\"}");
            example(openApi, "/admin/v1/tenants/{tenantId}/keys/{keyId}/rotate", "{\"gracePeriodSeconds\": 86400}");
        };
    }

    private static void example(OpenAPI openApi, String path, String json) {
        var item = (openApi.getPaths() != null) ? openApi.getPaths().get(path) : null;
        if (item == null || item.getPost() == null) {
            return;
        }
        item.getPost().requestBody(new RequestBody().content(new Content().addMediaType("application/json",
                new MediaType().schema(new ObjectSchema()).examples(Map.of("example", new Example().value(json))))));
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse().description(description)
            .content(new Content().addMediaType(PROBLEM, new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem"))));
    }

    private static Schema<?> problemSchema() {
        return new ObjectSchema().description("RFC 9457 problem details")
            .addProperty("type", new StringSchema().example("https://docs.intellidial.dev/problems/malformed-request"))
            .addProperty("title", new StringSchema().example("Malformed request"))
            .addProperty("status", new IntegerSchema().example(400))
            .addProperty("detail", new StringSchema().example("Field 'id' must be 2 to 63 lower-case letters..."))
            .addProperty("instance", new StringSchema().example("/admin/v1/tenants"))
            .addProperty("requestId", new StringSchema())
            .addProperty("field", new StringSchema().description("the field the problem is about, when there is one"));
    }
}

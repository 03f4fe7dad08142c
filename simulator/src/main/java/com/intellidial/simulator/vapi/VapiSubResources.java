package com.intellidial.simulator.vapi;

import com.intellidial.simulator.http.Json;
import com.intellidial.simulator.http.Reply;
import com.intellidial.simulator.http.Router;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The VAPI operations that are neither a family's CRUD nor knowledge-base files: {@code POST /chat/responses}
 * (OpenAI Responses-style, stateless), {@code GET /v2/campaign/{id}/contacts} and the knowledge-base file retry.
 */
final class VapiSubResources {

    private final VapiResources resources;

    VapiSubResources(VapiResources resources) {
        this.resources = resources;
    }

    void register(Router<VapiRequest> router) {
        router.route("POST", "/chat/responses", (request, vars) -> Reply.json(201, response(request)))
            .route("GET", "/v2/campaign/{id}/contacts", (request, vars) -> {
                ObjectNode campaign = this.resources.fetch("/v2/campaign", request.orgId(), vars.get("id"));
                ObjectNode page = Json.object();
                JsonNode customers = campaign.get("customers");
                page.set("results", (customers != null && customers.isArray()) ? customers.deepCopy() : Json.array());
                ObjectNode metadata = page.putObject("metadata");
                metadata.put("itemsPerPage", 100);
                metadata.put("totalItems", page.get("results").size());
                metadata.put("currentPage", 1);
                return Reply.json(200, page);
            })
            .route("POST", VapiKnowledgeBaseFiles.KNOWLEDGE_BASES + "/{id}/file/{fileId}/retry", (request, vars) -> {
                this.resources.fetch(VapiKnowledgeBaseFiles.KNOWLEDGE_BASES, request.orgId(), vars.get("id"));
                ObjectNode file = this.resources.fetch("/file", request.orgId(), vars.get("fileId")).deepCopy();
                file.put("status", "processing");
                return Reply.json(201, file);
            });
    }

    /** A Responses-style answer: the input echoed into a chat-shaped object with a canned output. */
    private ObjectNode response(VapiRequest request) {
        ObjectNode body = request.jsonBody();
        if (!body.hasNonNull("input")) {
            throw VapiException.validation("input should not be empty");
        }
        ObjectNode response = Json.object();
        response.put("id", java.util.UUID.randomUUID().toString());
        response.put("object", "response");
        response.put("created_at", this.resources.now());
        response.put("status", "completed");
        response.putArray("output").addObject().put("type", "message").put("role", "assistant")
            .putArray("content").addObject().put("type", "output_text").put("text", "Simulated reply.");
        response.set("assistantId", body.get("assistantId"));
        return response;
    }
}

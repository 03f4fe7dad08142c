package com.intellidial.simulator.vapi;

import java.util.UUID;

import com.intellidial.simulator.http.Json;
import com.intellidial.simulator.http.Reply;
import com.intellidial.simulator.http.ResourceStore;
import com.intellidial.simulator.http.Router;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Files attached to a v2 knowledge base: {@code GET/POST /v2/knowledge-base/{id}/file} and detach by file id. */
final class VapiKnowledgeBaseFiles {

    static final String KNOWLEDGE_BASES = "/v2/knowledge-base";

    private static final String FILES = "/file";

    /** Attachments by org, under the knowledge base id as kind, keyed by the attached file's id. */
    private final ResourceStore attachments = new ResourceStore();

    private final VapiResources resources;

    VapiKnowledgeBaseFiles(VapiResources resources) {
        this.resources = resources;
    }

    void register(Router<VapiRequest> router) {
        router.route("GET", KNOWLEDGE_BASES + "/{id}/file", (request, vars) -> {
            String knowledgeBaseId = knowledgeBase(request, vars.get("id"));
            ArrayNode files = Json.array();
            this.attachments.list(request.orgId(), knowledgeBaseId).forEach(files::add);
            return Reply.json(200, files);
        })
            .route("POST", KNOWLEDGE_BASES + "/{id}/file", (request, vars) -> attach(request, vars.get("id")))
            .route("DELETE", KNOWLEDGE_BASES + "/{id}/file/{fileId}", (request, vars) -> {
                String knowledgeBaseId = knowledgeBase(request, vars.get("id"));
                return Reply.json(200, this.attachments.remove(request.orgId(), knowledgeBaseId, vars.get("fileId"))
                    .orElseThrow(VapiException::notFound));
            });
    }

    private Reply attach(VapiRequest request, String id) {
        String knowledgeBaseId = knowledgeBase(request, id);
        String fileId = Json.text(request.jsonBody(), "fileId");
        if (fileId == null) {
            throw VapiException.validation("fileId must be a string");
        }
        ObjectNode file = this.resources.fetch(FILES, request.orgId(), fileId);
        String now = this.resources.now();
        ObjectNode attachment = Json.object();
        attachment.put("id", UUID.randomUUID().toString());
        attachment.put("knowledgeBaseV2Id", knowledgeBaseId);
        attachment.put("fileId", fileId);
        attachment.set("fileName", file.get("name"));
        attachment.set("mimetype", file.get("mimetype"));
        attachment.set("bytes", file.get("bytes"));
        attachment.put("status", "ready");
        attachment.put("createdAt", now);
        attachment.put("updatedAt", now);
        this.attachments.insert(request.orgId(), knowledgeBaseId, fileId, attachment);
        return Reply.json(201, attachment);
    }

    /** The id of the org's knowledge base, or a 404 if the org has none with this id. */
    private String knowledgeBase(VapiRequest request, String id) {
        return this.resources.fetch(KNOWLEDGE_BASES, request.orgId(), id).get("id").stringValue();
    }
}

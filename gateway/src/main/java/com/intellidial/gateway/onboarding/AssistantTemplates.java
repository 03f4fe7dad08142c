package com.intellidial.gateway.onboarding;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.core.io.Resource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Assistant templates are data: a YAML map of template name to a VAPI assistant body
 * ({@code classpath:onboarding/templates.yaml}, or {@code gateway.onboarding.templates}). Each must
 * have a name, a first message and a system prompt; overrides change {@code name},
 * {@code firstMessage}, {@code systemPrompt} and {@code voiceId} only.
 */
public final class AssistantTemplates {

    /** The override fields a caller may set. */
    public static final Set<String> OVERRIDES = Set.of("name", "firstMessage", "systemPrompt", "voiceId");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, ObjectNode> templates;

    AssistantTemplates(Map<String, ObjectNode> templates) {
        this.templates = Map.copyOf(templates);
    }

    /** Loads and checks the templates; fails the start with every problem named. */
    static AssistantTemplates load(Resource resource) {
        Map<String, ObjectNode> templates = new LinkedHashMap<>();
        try (InputStream in = resource.getInputStream()) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            Object root = new Yaml(new SafeConstructor(options)).load(in);
            if (!(root instanceof Map<?, ?> map) || map.isEmpty()) {
                throw new IllegalStateException("assistant templates " + resource + ": expected a map of templates");
            }
            map.forEach((name, body) -> {
                ObjectNode template = (JSON.valueToTree(body) instanceof ObjectNode object) ? object : null;
                if (template == null || !template.path("name").isString() || !template.path("firstMessage").isString()
                        || !template.at("/model/messages/0/content").isString()) {
                    throw new IllegalStateException("assistant template '" + name + "' in " + resource
                            + " needs name, firstMessage and model.messages[0].content");
                }
                templates.put(String.valueOf(name), template);
            });
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot read assistant templates " + resource, ex);
        }
        return new AssistantTemplates(templates);
    }

    /** The template names. */
    public Set<String> names() {
        return this.templates.keySet();
    }

    /** Whether a template of that name exists. */
    public boolean has(String name) {
        return this.templates.containsKey(name);
    }

    /** A template as stored, for previews. */
    public ObjectNode template(String name) {
        ObjectNode template = this.templates.get(name);
        if (template == null) {
            throw new IllegalArgumentException("no assistant template '" + name + "'");
        }
        return template.deepCopy();
    }

    /**
     * The assistant body for a template with overrides applied and the tenant's webhook URL as
     * {@code server.url} (the gateway replaces it with its own and keeps this one for the relay).
     */
    ObjectNode body(String name, Map<String, String> overrides, String webhookUrl) {
        ObjectNode body = template(name);
        overrides.forEach((field, value) -> {
            switch (field) {
                case "name" -> body.put("name", value);
                case "firstMessage" -> body.put("firstMessage", value);
                case "systemPrompt" -> ((ObjectNode) body.at("/model/messages/0")).put("content", value);
                case "voiceId" -> ((body.get("voice") instanceof ObjectNode voice) ? voice : body.putObject("voice"))
                    .put("voiceId", value);
                default -> throw new IllegalArgumentException("unknown override " + field);
            }
        });
        body.putObject("server").put("url", webhookUrl);
        return body;
    }

    /** The prompt and first message of a template, for previews. */
    public static String systemPrompt(JsonNode template) {
        return template.at("/model/messages/0/content").asString("");
    }
}

package com.intellidial.gateway.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.thymeleaf.IEngineConfiguration;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.AbstractConfigurableTemplateResolver;
import org.thymeleaf.templateresource.ITemplateResource;
import org.thymeleaf.templateresource.StringTemplateResource;

/**
 * The console's templates ({@code classpath:templates/console/*.html}), read once at start. A
 * template read from the jar on first render would be a blocking read on an event loop; these
 * are served from memory.
 */
final class ConsoleTemplates extends AbstractConfigurableTemplateResolver {

    private final Map<String, String> templates;

    ConsoleTemplates() {
        Map<String, String> loaded = new HashMap<>();
        try {
            for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath:templates/console/*.html")) {
                String file = String.valueOf(resource.getFilename());
                try (InputStream in = resource.getInputStream()) {
                    loaded.put("console/" + file.substring(0, file.length() - ".html".length()),
                            new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot read the console's templates", ex);
        }
        this.templates = Map.copyOf(loaded);
        setName("console");
        setOrder(0);
        setResolvablePatterns(Set.of("console/*"));
        setTemplateMode(TemplateMode.HTML);
        setCacheable(true);
    }

    @Override
    protected @Nullable ITemplateResource computeTemplateResource(IEngineConfiguration configuration, @Nullable String ownerTemplate,
            String template, String resourceName, @Nullable String characterEncoding, Map<String, Object> templateResolutionAttributes) {
        String content = this.templates.get(template);
        return (content != null) ? new StringTemplateResource(content) : null;
    }
}

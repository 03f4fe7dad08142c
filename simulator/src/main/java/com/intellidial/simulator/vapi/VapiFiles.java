package com.intellidial.simulator.vapi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

import com.intellidial.simulator.http.Json;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostMultipartRequestDecoder;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code POST /file}: a multipart upload with a {@code file} part and optional {@code purpose} and {@code metadata}. */
final class VapiFiles {

    private VapiFiles() {
    }

    /** The {@link VapiFamily.Creator} for {@code /file}: decodes the upload in memory and stores its description. */
    static JsonNode upload(VapiResources resources, VapiFamily family, VapiRequest request) {
        String contentType = request.request().header("Content-Type");
        if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")) {
            throw VapiException.of(400, "Expected multipart/form-data with a 'file' part");
        }
        FullHttpRequest multipart = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/file",
                Unpooled.wrappedBuffer(request.request().body()));
        multipart.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpPostMultipartRequestDecoder decoder = null;
        try {
            decoder = new HttpPostMultipartRequestDecoder(new DefaultHttpDataFactory(false), multipart);
            ObjectNode file = Json.object();
            file.put("object", "file");
            file.put("status", "done");
            boolean hasFile = false;
            for (InterfaceHttpData part : decoder.getBodyHttpDatas()) {
                if (part instanceof FileUpload upload && part.getName().equals("file")) {
                    hasFile = true;
                    file.put("name", upload.getFilename());
                    file.put("originalName", upload.getFilename());
                    file.put("bytes", upload.length());
                    file.put("mimetype", upload.getContentType());
                }
                else if (part instanceof Attribute attribute && part.getName().equals("purpose")) {
                    file.put("purpose", attribute.getValue());
                }
                else if (part instanceof Attribute attribute && part.getName().equals("metadata")) {
                    Optional<ObjectNode> metadata = Json.readObject(attribute.getValue().getBytes(StandardCharsets.UTF_8));
                    file.set("metadata", metadata.orElseThrow(() -> VapiException.validation("metadata must be a JSON object")));
                }
            }
            if (!hasFile) {
                throw VapiException.validation("file should not be empty");
            }
            String key = UUID.randomUUID() + "-" + file.get("name").stringValue();
            file.put("bucket", "simulator-files");
            file.put("key", key);
            file.put("path", "simulator-files/" + key);
            file.put("url", "https://storage.simulator.invalid/" + key);
            return resources.insert(family, request.orgId(), file);
        }
        catch (HttpPostRequestDecoder.ErrorDataDecoderException | IOException ex) {
            throw VapiException.of(400, "Malformed multipart/form-data body");
        }
        finally {
            destroy(decoder);
            multipart.release();
        }
    }

    private static void destroy(@Nullable HttpPostMultipartRequestDecoder decoder) {
        if (decoder != null) {
            decoder.destroy();
        }
    }
}

package com.intellidial.simulator.vapi;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One row of the VAPI family table: where the family lives, which store it reads, which operations it offers,
 * how it lists and which list filters it honours besides {@code limit} and the date filters.
 */
record VapiFamily(String path, String store, Set<Operation> operations, ListShape listShape,
        List<String> listFilters, Creator creator) {

    /** A family with create, list, fetch, update and delete, listed as a bare array. */
    static VapiFamily crud(String path) {
        return new VapiFamily(path, path, EnumSet.allOf(Operation.class), ListShape.BARE, List.of(),
                VapiResources::createOne);
    }

    /** This family, listed as a paginated envelope. */
    VapiFamily paginated() {
        return new VapiFamily(this.path, this.store, this.operations, ListShape.PAGINATED, this.listFilters,
                this.creator);
    }

    /** This family, honouring these top-level equality filters on list. */
    VapiFamily filteredBy(String... fields) {
        return new VapiFamily(this.path, this.store, this.operations, this.listShape, List.of(fields), this.creator);
    }

    /** This family, creating resources with {@code creator} instead of storing the body as it is. */
    VapiFamily createdBy(Creator creator) {
        return new VapiFamily(this.path, this.store, this.operations, this.listShape, this.listFilters, creator);
    }

    /** The operations a VAPI family may offer. */
    enum Operation {

        CREATE, LIST, FETCH, UPDATE, DELETE
    }

    /** Creates resources of a family from a request body and answers the create request. */
    @FunctionalInterface
    interface Creator {

        /** Stores what {@code body} describes for the request's org and returns the 201 body. */
        tools.jackson.databind.JsonNode create(VapiResources resources, VapiFamily family, VapiRequest request,
                tools.jackson.databind.node.ObjectNode body);
    }
}

/** Ownership store, request rewriting and response filtering per tenant. */
@NullMarked
package com.intellidial.gateway.isolation;

import org.jspecify.annotations.NullMarked;

/** Error model (RFC 9457), request ids, exchange attributes, headers and filter order. */
@NullMarked
package com.intellidial.gateway.web;

import org.jspecify.annotations.NullMarked;

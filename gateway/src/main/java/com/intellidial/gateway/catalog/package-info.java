/** Endpoint catalogs for VAPI and Twilio: data, loader and matcher. */
@NullMarked
package com.intellidial.gateway.catalog;

import org.jspecify.annotations.NullMarked;

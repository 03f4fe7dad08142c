/** VAPI server messages and Twilio callbacks in, signed relay out. */
@NullMarked
package com.intellidial.gateway.webhooks;

import org.jspecify.annotations.NullMarked;

/** The simulated Twilio REST API 2010-04-01: Basic auth per account, form requests, snake_case JSON answers. */
@NullMarked
package com.intellidial.simulator.twilio;

import org.jspecify.annotations.NullMarked;

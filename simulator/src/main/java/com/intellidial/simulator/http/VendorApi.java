package com.intellidial.simulator.http;

import com.intellidial.simulator.RecordedRequest;

/** One simulated vendor (VAPI or Twilio): answers its requests and shapes its errors. */
public interface VendorApi {

    /** Answers a request addressed to this vendor. */
    Reply handle(RecordedRequest request);

    /** An error reply with this status in the vendor's error shape, for injected faults and internal errors. */
    Reply error(int status, RecordedRequest request);
}

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strings"

	envoyCorev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	extProcPb "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc/status"
)

// Observed is what a gateway would act on after one exchange. The fields compared between pickers
// are destination, metadata, contentLength, body*, immediate* and grpcCode; the header maps are
// printed for the record (the pickers differ there on purpose, docs/picker.md).
type Observed struct {
	Case     string `json:"case"`
	GrpcCode string `json:"grpcCode"` // OK, or the code the stream ended with before the request phase was answered
	GrpcMsg  string `json:"grpcMessage,omitempty"`
	// the request headers answer
	Routed          bool              `json:"routed"`
	Destination     string            `json:"destination"` // header x-gateway-destination-endpoint
	Metadata        string            `json:"metadata"`    // dynamic metadata envoy.lb / x-gateway-destination-endpoint
	ContentLength   string            `json:"contentLength"`
	ClearRouteCache bool              `json:"clearRouteCache"`
	SetHeaders      map[string]string `json:"setHeaders"`
	RemovedHeaders  []string          `json:"removedHeaders"`
	// the request body answers (streamed mutations, concatenated)
	BodyAnswers      int    `json:"bodyAnswers"`
	BodyEnd          bool   `json:"bodyEnd"`
	BodyBytes        int    `json:"bodyBytes"`
	BodyModel        string `json:"bodyModel"`
	BodySameAsSent   bool   `json:"bodySameAsSent"`   // byte for byte
	BodySameJSON     bool   `json:"bodySameJson"`     // the same JSON value apart from "model"
	ContentLengthSet bool   `json:"contentLengthSet"` // contentLength equals the bytes returned
	// an immediate response instead
	ImmediateStatus  int               `json:"immediateStatus,omitempty"`
	ImmediateBody    string            `json:"immediateBody,omitempty"`
	ImmediateHeaders map[string]string `json:"immediateHeaders,omitempty"`
	// the response phase, when the case plays one
	Response *ResponseObserved `json:"response,omitempty"`
	// the case's own notes (overloaded: how many streams were held)
	Note string `json:"note,omitempty"`
}

// ResponseObserved is what the gateway would forward of the model server's response.
type ResponseObserved struct {
	HeadersAnswered bool              `json:"headersAnswered"`
	SetHeaders      map[string]string `json:"setHeaders"`
	BodyAnswers     int               `json:"bodyAnswers"`
	BodyEnd         bool              `json:"bodyEnd"`
	Body            string            `json:"body"`
	BodySameAsSent  bool              `json:"bodySameAsSent"`
	GrpcCode        string            `json:"grpcCode"`
}

// requestPhase sends the request messages and reads answers until the request phase is over: an
// immediate response, or the headers answer plus (when a body was sent) the body answers up to
// end_of_stream. The stream stays open for a response phase.
func requestPhase(stream extProcPb.ExternalProcessor_ProcessClient, msgs []*extProcPb.ProcessingRequest) *Observed {
	o := &Observed{GrpcCode: "OK", SetHeaders: map[string]string{}, RemovedHeaders: []string{}}
	var sent []byte
	hasBody := false
	for _, m := range msgs {
		if b := m.GetRequestBody(); b != nil {
			sent = append(sent, b.Body...)
			hasBody = true
		}
		if err := stream.Send(m); err != nil && !errors.Is(err, io.EOF) {
			return failed(o, err)
		}
	}
	var body []byte
	headersDone := false
	for {
		r, err := stream.Recv()
		if err != nil {
			if headersDone && !hasBody {
				return o
			}
			return failed(o, err)
		}
		switch v := r.Response.(type) {
		case *extProcPb.ProcessingResponse_ImmediateResponse:
			ir := v.ImmediateResponse
			o.ImmediateStatus = int(ir.GetStatus().GetCode())
			o.ImmediateBody = string(ir.Body)
			o.ImmediateHeaders = setHeaders(ir.GetHeaders())
			return o
		case *extProcPb.ProcessingResponse_RequestHeaders:
			headersDone = true
			o.Routed = true
			common := v.RequestHeaders.GetResponse()
			o.ClearRouteCache = common.GetClearRouteCache()
			o.SetHeaders = setHeaders(common.GetHeaderMutation())
			o.RemovedHeaders = append(o.RemovedHeaders, common.GetHeaderMutation().GetRemoveHeaders()...)
			sort.Strings(o.RemovedHeaders)
			o.Destination = o.SetHeaders["x-gateway-destination-endpoint"]
			o.ContentLength = o.SetHeaders["content-length"]
			if lb := r.GetDynamicMetadata().GetFields()["envoy.lb"]; lb != nil {
				o.Metadata = lb.GetStructValue().GetFields()["x-gateway-destination-endpoint"].GetStringValue()
			}
			if !hasBody {
				return o
			}
		case *extProcPb.ProcessingResponse_RequestBody:
			o.BodyAnswers++
			mut := v.RequestBody.GetResponse().GetBodyMutation()
			if s := mut.GetStreamedResponse(); s != nil {
				body = append(body, s.Body...)
				if s.EndOfStream {
					o.BodyEnd = true
				}
			} else if mut.GetBody() != nil {
				body = append(body, mut.GetBody()...)
				o.BodyEnd = true
			}
			if o.BodyEnd {
				observeBody(o, sent, body)
				return o
			}
		default:
			// trailers answers and the like are not part of the request phase's result
		}
	}
}

func observeBody(o *Observed, sent, body []byte) {
	o.BodyBytes = len(body)
	o.BodySameAsSent = bytes.Equal(sent, body)
	var a, b map[string]any
	if json.Unmarshal(body, &b) == nil {
		if m, ok := b["model"].(string); ok {
			o.BodyModel = m
		}
		if json.Unmarshal(sent, &a) == nil {
			delete(a, "model")
			delete(b, "model")
			ja, _ := json.Marshal(a) // map keys marshal sorted: a canonical form
			jb, _ := json.Marshal(b)
			o.BodySameJSON = bytes.Equal(ja, jb)
		}
	}
	o.ContentLengthSet = o.ContentLength == itoa(len(body))
}

// responsePhase plays the model server's answer through the picker: headers, then the body in
// chunks, the last with end_of_stream; reads the answers up to the body's end, then ends the stream.
func responsePhase(stream extProcPb.ExternalProcessor_ProcessClient, headers map[string]string, chunks []string, served string) *ResponseObserved {
	ro := &ResponseObserved{GrpcCode: "OK", SetHeaders: map[string]string{}}
	msgs := []*extProcPb.ProcessingRequest{{
		Request: &extProcPb.ProcessingRequest_ResponseHeaders{
			ResponseHeaders: &extProcPb.HttpHeaders{Headers: rawHeaders(headers)},
		},
		MetadataContext: servedMetadata(served),
	}}
	sent := strings.Join(chunks, "")
	for i, c := range chunks {
		msgs = append(msgs, &extProcPb.ProcessingRequest{Request: &extProcPb.ProcessingRequest_ResponseBody{
			ResponseBody: &extProcPb.HttpBody{Body: []byte(c), EndOfStream: i == len(chunks)-1},
		}})
	}
	for _, m := range msgs {
		if err := stream.Send(m); err != nil {
			ro.GrpcCode = status.Code(err).String()
			return ro
		}
	}
	var body []byte
	for !ro.BodyEnd {
		r, err := stream.Recv()
		if err != nil {
			ro.GrpcCode = status.Code(err).String()
			break
		}
		switch v := r.Response.(type) {
		case *extProcPb.ProcessingResponse_ResponseHeaders:
			ro.HeadersAnswered = true
			ro.SetHeaders = setHeaders(v.ResponseHeaders.GetResponse().GetHeaderMutation())
		case *extProcPb.ProcessingResponse_ResponseBody:
			ro.BodyAnswers++
			mut := v.ResponseBody.GetResponse().GetBodyMutation()
			if s := mut.GetStreamedResponse(); s != nil {
				body = append(body, s.Body...)
				ro.BodyEnd = s.EndOfStream
			} else if mut.GetBody() != nil {
				body = append(body, mut.GetBody()...)
				ro.BodyEnd = true
			}
		}
	}
	ro.Body = string(body)
	ro.BodySameAsSent = ro.Body == sent
	_ = stream.CloseSend()
	for {
		if _, err := stream.Recv(); err != nil {
			break
		}
	}
	return ro
}

func failed(o *Observed, err error) *Observed {
	st, _ := status.FromError(err)
	o.GrpcCode = st.Code().String()
	o.GrpcMsg = st.Message()
	if errors.Is(err, io.EOF) {
		o.GrpcCode = "EOF"
	}
	return o
}

// setHeaders flattens a header mutation's set headers, keys lower-cased (HTTP/2 header names).
func setHeaders(m interface {
	GetSetHeaders() []*envoyCorev3.HeaderValueOption
}) map[string]string {
	out := map[string]string{}
	if m == nil {
		return out
	}
	for _, h := range m.GetSetHeaders() {
		v := h.GetHeader().GetValue()
		if len(h.GetHeader().GetRawValue()) > 0 {
			v = string(h.GetHeader().GetRawValue())
		}
		out[strings.ToLower(h.GetHeader().GetKey())] = v
	}
	return out
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
